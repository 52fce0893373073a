// `csu refdata check` and `csu refdata show KIND ...`.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "cli/command.h"
#include "core/text.h"
#include "refdata/refdata.h"

namespace csu::cli {
namespace {

using refdata::RefData;

std::string Opt(const std::optional<Money>& m) { return m ? m->ToString() : "-"; }
std::string OptDays(const std::optional<int32_t>& d) { return d ? std::to_string(*d) + " days" : "-"; }
std::string Ppm(int64_t ppm, int decimals) {
  // Exact decimal rendering of a parts-per-million value as a factor.
  std::string s = std::to_string(ppm / refdata::kPpm) + ".";
  std::string frac = std::to_string(ppm % refdata::kPpm);
  frac.insert(0, 6 - frac.size(), '0');
  return s + frac.substr(0, static_cast<size_t>(decimals));
}
std::string Percent(int64_t ppm) {
  // 412383 ppm -> "41.2383%"; trailing zeros kept to four places as published.
  std::string whole = std::to_string(ppm / 10'000);
  std::string frac = std::to_string(ppm % 10'000);
  frac.insert(0, 4 - frac.size(), '0');
  return whole + "." + frac + "%";
}

void Row(const char* label, const std::string& value) { std::printf("  %-40s %s\n", label, value.c_str()); }

Result<RefData> LoadOrFail(const Context& ctx, std::string* dir_out = nullptr) {
  std::string dir = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  if (dir_out) *dir_out = dir;
  return RefData::Load(dir);
}

int Check(const Context& ctx) {
  auto start = std::chrono::steady_clock::now();
  std::string dir;
  auto loaded = LoadOrFail(ctx, &dir);
  if (!loaded.ok()) {
    PrintError("reference data in " + dir + " is not valid: " + loaded.error().ToString());
    return kExitFailure;
  }
  const RefData& r = loaded.value();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("Reference data in %s: valid (loaded and cross-checked in %.2f s)\n\n", dir.c_str(), secs);
  std::printf("National tariff\n");
  for (FinancialYear y : r.tariff_years()) {
    const auto* t = r.Tariff(y);
    std::printf("  %s  %s admitted care/OP procedure HRGs, %s OP attendance TFCs, %s A&E HRGs,\n", y.ToString().c_str(),
                WithThousands(static_cast<int64_t>(t->apc().size())).c_str(),
                WithThousands(static_cast<int64_t>(t->op_attendances().size())).c_str(),
                WithThousands(static_cast<int64_t>(t->ae().size())).c_str());
    std::printf("           %zu unbundled prices, %zu specialised top-ups, %zu unbundled HRGs rebundled into spells,\n",
                t->unbundled().size(), t->top_ups().size(), t->rebundled_hrgs());
    std::printf("           %zu HRGs without a national price, %zu TFCs without an outpatient attendance price,\n"
                "           %zu TFCs excluded from admitted care prices\n",
                t->hrgs_without_national_price(), t->tfcs_without_national_price(),
                t->tfcs_excluded_from_admitted_care());
  }
  std::printf("Market forces factor\n");
  for (FinancialYear y : r.tariff_years()) {
    const auto& m = r.Mffs(y);
    auto [lo, hi] = std::minmax_element(m.begin(), m.end(),
                                        [](const auto& a, const auto& b) { return a.index_ppm < b.index_ppm; });
    std::printf("  %s  %zu providers, index %s to %s\n", y.ToString().c_str(), m.size(),
                Ppm(lo->index_ppm, 6).c_str(), Ppm(hi->index_ppm, 6).c_str());
  }
  int64_t registered = 0, with_lists = 0, open_ccgs = 0;
  for (const auto& c : r.ccgs()) {
    if (c.registered_patients) {
      registered += *c.registered_patients;
      ++with_lists;
    }
    open_ccgs += !c.close_date.has_value();
  }
  size_t open_trusts = static_cast<size_t>(std::count_if(r.trusts().begin(), r.trusts().end(),
                                                         [](const auto& t) { return t.is_open(); }));
  std::set<std::string> lists;
  for (const auto& e : r.code_lists()) lists.insert(e.list);
  std::printf("Organisations\n");
  std::printf("  CCGs and sub-ICB locations  %zu (%lld open), %lld with January 2021 lists of %s patients\n",
              r.ccgs().size(), static_cast<long long>(open_ccgs), static_cast<long long>(with_lists),
              WithThousands(registered).c_str());
  std::printf("  GP practices                %s\n", WithThousands(static_cast<int64_t>(r.practices().size())).c_str());
  std::printf("  NHS trusts                  %zu (%zu open)\n", r.trusts().size(), open_trusts);
  std::printf("  Commissioning support units %zu\n", r.csus().size());
  std::printf("Code lists\n");
  std::printf("  HRG names                   %s\n", WithThousands(static_cast<int64_t>(r.hrgs().size())).c_str());
  std::printf("  Treatment functions         %zu\n", r.treatment_functions().size());
  std::printf("  Data dictionary lists       %zu lists, %zu codes\n", lists.size(), r.code_lists().size());
  std::printf("  A&E monthly history         %s rows\n", WithThousands(static_cast<int64_t>(r.ae_history().size())).c_str());
  if (!r.warnings().empty()) {
    std::printf("\nWarnings (%zu): accepted, but worth knowing\n", r.warnings().size());
    for (const auto& w : r.warnings()) std::printf("  - %s\n", w.c_str());
  }
  return kExitOk;
}

// The single CODE argument of `csu refdata show KIND CODE`, or nullopt after
// printing why it is missing or malformed (a usage error).
template <typename Code>
std::optional<Code> OneCode(const std::vector<std::string>& args, const std::string& kind) {
  if (args.size() != 1) {
    PrintError("usage: csu refdata show " + kind + " CODE");
    return std::nullopt;
  }
  auto code = Code::Parse(args[0]);
  if (!code.ok()) {
    PrintError(code.error().ToString());
    return std::nullopt;
  }
  return code.value();
}

int ShowTariff(const RefData& r, const std::vector<std::string>& args) {
  if (args.size() != 2) {
    PrintError("usage: csu refdata show tariff YEAR CODE   (CODE: an HRG like EB03E or a treatment function like 100)");
    return kExitUsage;
  }
  auto year = FinancialYear::Parse(args[0]);
  if (!year.ok()) {
    PrintError(year.error().ToString());
    return kExitUsage;
  }
  const auto* t = r.Tariff(year.value());
  if (!t) {
    PrintError("no tariff loaded for " + year.value().ToString() + " (loaded: 2016/17, 2017/18, 2018/19)");
    return kExitFailure;
  }
  const std::string y = year.value().ToString();
  if (auto tfc = TreatmentFunctionCode::Parse(args[1]); tfc.ok()) {
    const auto* p = t->FindOpAttendance(tfc.value());
    if (!p) {
      PrintError("treatment function " + args[1] + " has no outpatient attendance price in " + y +
                 (t->TfcHasNoNationalPrice(tfc.value()) ? " (it is listed as having no national price)" : ""));
      return kExitFailure;
    }
    std::printf("%s  %s  (outpatient attendances, tariff %s)\n", p->tfc.ToString().c_str(), p->name.c_str(), y.c_str());
    Row("first, single professional (WF01B)", Opt(p->first_single));
    Row("first, multi-professional (WF02B)", Opt(p->first_multi));
    Row("follow-up, single professional (WF01A)", Opt(p->follow_up_single));
    Row("follow-up, multi-professional (WF02A)", Opt(p->follow_up_multi));
    return kExitOk;
  }
  auto hrg = HrgCode::Parse(args[1]);
  if (!hrg.ok()) {
    PrintError(args[1] + " is neither an HRG code (e.g. EB03E) nor a treatment function code (e.g. 100)");
    return kExitUsage;
  }
  bool found = false;
  if (const auto* p = t->FindApc(hrg.value())) {
    found = true;
    std::printf("%s  %s  (admitted care and outpatient procedures, tariff %s)\n", p->hrg.ToString().c_str(),
                p->name.c_str(), y.c_str());
    Row("outpatient procedure", Opt(p->outpatient_procedure));
    Row("combined day case / elective", Opt(p->combined_day_case_elective));
    Row("day case", Opt(p->day_case));
    Row("ordinary elective", Opt(p->ordinary_elective));
    Row("elective trim point", OptDays(p->elective_trim_days));
    Row("non-elective", Opt(p->non_elective));
    Row("non-elective trim point", OptDays(p->non_elective_trim_days));
    Row("excess bed day (per day)", Opt(p->excess_bed_day));
    Row("short-stay emergency adjustment",
        p->ssem_applicable ? "applies: " + Percent(*p->ssem_ppm) + " of the NEL price = " + Opt(p->ssem_price)
                           : "does not apply");
    if (!p->bpt_name.empty()) Row("best practice tariff", p->bpt_name);
  }
  if (const auto* p = t->FindAe(hrg.value())) {
    found = true;
    std::printf("%s  %s  (A&E, tariff %s)\n", p->hrg.ToString().c_str(), p->name.c_str(), y.c_str());
    Row("type 1 and 2 departments", p->type_1_2.ToString());
    Row("type 3 and 4 departments", p->type_3_4.ToString());
  }
  if (const auto* p = t->FindUnbundled(hrg.value())) {
    found = true;
    std::printf("%s  %s  (unbundled, tariff %s)\n", p->hrg.ToString().c_str(), p->name.c_str(), y.c_str());
    Row("section", p->section);
    Row("price", p->price.ToString());
  }
  if (!found) {
    std::string why = "HRG " + args[1] + " has no price in the " + y + " tariff";
    if (t->HrgHasNoNationalPrice(hrg.value())) why += " (it is listed as having no national price)";
    else if (!r.FindHrg(hrg.value())) why += " (and is not a known HRG code)";
    PrintError(why);
    return kExitFailure;
  }
  return kExitOk;
}

int ShowMff(const RefData& r, const std::vector<std::string>& args) {
  if (args.empty() || args.size() > 2) {
    PrintError("usage: csu refdata show mff [YEAR] PROVIDER   (e.g. csu refdata show mff 2018/19 R1H)");
    return kExitUsage;
  }
  FinancialYear year(2018);
  if (args.size() == 2) {
    auto y = FinancialYear::Parse(args[0]);
    if (!y.ok()) {
      PrintError(y.error().ToString());
      return kExitUsage;
    }
    year = y.value();
  }
  auto code = OdsCode::Parse(args.back());
  if (!code.ok()) {
    PrintError(code.error().ToString());
    return kExitUsage;
  }
  const auto* m = r.FindMff(year, code.value());
  if (!m) {
    PrintError("no market forces factor for provider " + args.back() + " in " + year.ToString() +
               " (such activity is reported unpriced, never priced at 1.0)");
    return kExitFailure;
  }
  std::printf("%s  %s  (market forces factor, %s)\n", m->provider.ToString().c_str(), m->provider_name.c_str(),
              year.ToString().c_str());
  Row("payment index", Ppm(m->index_ppm, 6));
  return kExitOk;
}

int ShowOrganisation(const RefData& r, const std::string& kind, const std::vector<std::string>& args) {
  auto code = OneCode<OdsCode>(args, kind);
  if (!code) return kExitUsage;
  auto date = [](const std::optional<Date>& d) { return d ? d->ToString() : std::string("-"); };
  if (kind == "ccg") {
    const auto* c = r.FindCcg(*code);
    if (!c) {
      PrintError("no CCG with code " + args[0]);
      return kExitFailure;
    }
    std::printf("%s  %s  (CCG / sub-ICB location)\n", c->code.ToString().c_str(), c->name.c_str());
    Row("registered patients (Jan 2021)", c->registered_patients ? WithThousands(*c->registered_patients) : "-");
    Row("GP practices (Jan 2021)", std::to_string(c->practices));
    Row("national grouping / geography", c->national_grouping + " / " + c->health_geography);
    Row("postcode", c->postcode);
    Row("opened / closed", date(c->open_date) + " / " + date(c->close_date));
    return kExitOk;
  }
  if (kind == "practice") {
    const auto* p = r.FindPractice(*code);
    if (!p) {
      PrintError("no GP practice with code " + args[0] + " in the January 2021 list");
      return kExitFailure;
    }
    const auto* c = r.FindCcg(p->ccg);
    std::printf("%s  GP practice\n", p->code.ToString().c_str());
    Row("registered patients (Jan 2021)", WithThousands(p->registered_patients));
    Row("CCG", p->ccg.ToString() + (c ? "  " + c->name : ""));
    Row("postcode", p->postcode);
    return kExitOk;
  }
  if (kind == "provider") {
    const auto* t = r.FindTrust(*code);
    bool any_mff = false;
    for (FinancialYear y : r.tariff_years()) any_mff |= r.FindMff(y, *code) != nullptr;
    if (!t && !any_mff) {
      PrintError("no NHS trust or MFF provider with code " + args[0]);
      return kExitFailure;
    }
    std::printf("%s  %s  (provider)\n", code->ToString().c_str(),
                t ? t->name.c_str() : "not in the ODS trust list");
    if (t) {
      Row("national grouping / geography", t->national_grouping + " / " + t->health_geography);
      Row("postcode", t->postcode);
      Row("opened / closed", date(t->open_date) + " / " + date(t->close_date));
    }
    for (FinancialYear y : r.tariff_years()) {
      const auto* m = r.FindMff(y, *code);
      Row(("MFF " + y.ToString()).c_str(), m ? Ppm(m->index_ppm, 6) : "none (not priced)");
    }
    return kExitOk;
  }
  if (kind == "csu") {
    const auto* c = r.FindCsu(*code);
    if (!c) {
      PrintError("no commissioning support unit with code " + args[0]);
      return kExitFailure;
    }
    std::printf("%s  %s  (commissioning support unit)\n", c->code.ToString().c_str(), c->name.c_str());
    Row("town / postcode", c->town + " / " + c->postcode);
    return kExitOk;
  }
  PrintError("unknown kind '" + kind + "'");
  return kExitUsage;
}

int ShowHrg(const RefData& r, const std::vector<std::string>& args) {
  auto code = OneCode<HrgCode>(args, "hrg");
  if (!code) return kExitUsage;
  const auto* h = r.FindHrg(*code);
  if (!h) {
    PrintError("no HRG with code " + args[0]);
    return kExitFailure;
  }
  std::printf("%s  %s  (HRG)\n", h->code.ToString().c_str(), h->name.c_str());
  Row("subchapter", h->subchapter + "  " + h->subchapter_name);
  Row("chapter", h->chapter + "  " + h->chapter_name);
  for (FinancialYear y : r.tariff_years()) {
    const auto* t = r.Tariff(y);
    bool priced = t->FindApc(*code) || t->FindAe(*code) || t->FindUnbundled(*code);
    Row(("tariff " + y.ToString()).c_str(),
        priced ? "priced" : (t->HrgHasNoNationalPrice(*code) ? "no national price" : "not in tariff"));
  }
  return kExitOk;
}

int ShowTfc(const RefData& r, const std::vector<std::string>& args) {
  auto code = OneCode<TreatmentFunctionCode>(args, "tfc");
  if (!code) return kExitUsage;
  const auto* t = r.FindTreatmentFunction(*code);
  if (!t) {
    PrintError("no treatment function with code " + args[0]);
    return kExitFailure;
  }
  std::printf("%s  %s  (treatment function)\n", t->code.ToString().c_str(), t->name.c_str());
  for (FinancialYear y : r.tariff_years()) {
    const auto* tariff = r.Tariff(y);
    const auto* p = tariff->FindOpAttendance(*code);
    Row(("OP attendance price " + y.ToString()).c_str(),
        p ? "first " + Opt(p->first_single) + ", follow-up " + Opt(p->follow_up_single)
          : (tariff->TfcHasNoNationalPrice(*code) ? "no national price" : "none"));
  }
  return kExitOk;
}

int Show(const Context& ctx, const std::string& kind, const std::vector<std::string>& args) {
  static const std::set<std::string> kKinds = {"tariff", "mff", "practice", "ccg", "provider", "csu", "hrg", "tfc"};
  if (!kKinds.count(kind)) {
    PrintError("unknown kind '" + kind + "': expected one of tariff, mff, practice, ccg, provider, csu, hrg, tfc");
    return kExitUsage;
  }
  std::string dir;
  auto loaded = LoadOrFail(ctx, &dir);
  if (!loaded.ok()) {
    PrintError("reference data in " + dir + " is not valid: " + loaded.error().ToString());
    return kExitFailure;
  }
  const RefData& r = loaded.value();
  if (kind == "tariff") return ShowTariff(r, args);
  if (kind == "mff") return ShowMff(r, args);
  if (kind == "hrg") return ShowHrg(r, args);
  if (kind == "tfc") return ShowTfc(r, args);
  return ShowOrganisation(r, kind, args);
}

}  // namespace

void AddRefdataCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("refdata", "Check or look up national reference data (tariffs, MFF, organisations)");
  cmd->require_subcommand(1);
  auto* check = cmd->add_subcommand("check", "Load and cross-check every reference file and print counts");
  check->callback([&ctx] { ctx.action = [&ctx] { return Check(ctx); }; });

  auto* show = cmd->add_subcommand("show", "Print one reference record");
  auto kind = std::make_shared<std::string>();
  auto args = std::make_shared<std::vector<std::string>>();
  show->add_option("kind", *kind, "tariff | mff | practice | ccg | provider | csu | hrg | tfc")->required();
  show->add_option("args", *args, "What to show, e.g. '2018/19 EB03E' for tariff, 'R1H' for mff");
  show->footer(
      "Examples:\n"
      "  csu refdata show tariff 2018/19 EB03E   admitted care prices of an HRG\n"
      "  csu refdata show tariff 2018/19 100     outpatient attendance prices of a treatment function\n"
      "  csu refdata show mff 2018/19 R1H        market forces factor of a provider\n"
      "  csu refdata show practice A84002        a GP practice and its list size\n"
      "  csu refdata show ccg 27D                a CCG and its registered population\n"
      "  csu refdata show provider RBT           a trust and its MFF in each tariff year\n");
  show->callback([&ctx, kind, args] { ctx.action = [&ctx, kind, args] { return Show(ctx, *kind, *args); }; });
}

}  // namespace csu::cli
