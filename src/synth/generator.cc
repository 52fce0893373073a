#include "synth/generator.h"

#include <algorithm>
#include <memory>
#include <set>

#include "core/file.h"
#include "core/progress.h"
#include "refdata/refdata.h"
#include "synth/calendar.h"
#include "synth/contract_plans.h"
#include "synth/defects.h"
#include "synth/extract_writer.h"
#include "synth/hrg_mix.h"
#include "synth/patient_sim.h"
#include "synth/population.h"
#include "synth/priced_ledger.h"
#include "synth/provider_choice.h"
#include "synth/secondary_diagnoses.h"

namespace csu::synth {
namespace {

// Stream of the secondary diagnoses under a practice's seed (any constant
// other than 0 keeps it apart from the practice's own stream).
constexpr uint64_t kSecondaryDiagnosisStream = 0x5EC0D1A6ULL;

struct Selected {
  size_t index;  // in refdata.practices()
  const refdata::Practice* practice;
  std::string geography;
};

Result<std::vector<Selected>> SelectPractices(const refdata::RefData& refdata, const SynthOptions& o) {
  const auto& practices = refdata.practices();
  std::set<uint64_t> ccgs;
  if (!o.england) {
    std::set<uint64_t> known;
    for (const auto& p : practices) known.insert(p.ccg.key());
    for (const OdsCode& c : o.ccgs.empty() ? DefaultCcgs() : o.ccgs) {
      if (!known.count(c.key())) {
        return MakeError("--ccgs", "unknown CCG '" + c.ToString() +
                                       "': no practice in the GP practice list belongs to it (e.g. 27D, 02E, 12F)");
      }
      ccgs.insert(c.key());
    }
  }
  std::set<uint64_t> only;
  for (const OdsCode& p : o.practices) {
    const refdata::Practice* found = refdata.FindPractice(p);
    if (found == nullptr) return MakeError("practices", "unknown GP practice '" + p.ToString() + "'");
    only.insert(p.key());
  }
  std::vector<Selected> out;
  for (size_t i = 0; i < practices.size(); ++i) {
    const auto& p = practices[i];
    if (!o.england && !ccgs.count(p.ccg.key())) continue;
    if (!only.empty() && !only.count(p.code.key())) continue;
    if (p.registered_patients <= 0) continue;
    const refdata::Ccg* ccg = refdata.FindCcg(p.ccg);
    out.push_back(Selected{i, &p, ccg ? ccg->health_geography : std::string()});
  }
  if (out.empty()) return MakeError("", "no practice with registered patients matches the options");
  return out;
}

// Rows of a practice in date order (ties keep simulation order).
void SortRows(PracticeEvents& e) {
  std::stable_sort(e.spells.begin(), e.spells.end(), [](const SpellRow& a, const SpellRow& b) {
    return a.admission != b.admission ? a.admission < b.admission : a.discharge < b.discharge;
  });
  std::stable_sort(e.ops.begin(), e.ops.end(), [](const OpRow& a, const OpRow& b) { return a.date < b.date; });
  std::stable_sort(e.aes.begin(), e.aes.end(), [](const AeRow& a, const AeRow& b) { return a.arrival < b.arrival; });
}

// Writes the practice's rows of one dataset, planting its defects.
template <typename Row, typename Format>
void WriteRows(ExtractFile& file, const std::vector<Row>& rows, const PracticeEvents& e, const RowContext& ctx,
               DefectPlan& plan, size_t slot, Rng& defect_rng, std::map<std::string, int64_t>& planted,
               std::string& line, Format format) {
  const auto defects = plan.ForPractice(slot, file.dataset(), static_cast<int64_t>(rows.size()));
  size_t next = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    line.clear();
    const Patient& patient = e.patients[rows[i].patient];
    format(line, rows[i], patient, ctx, static_cast<int64_t>(i + 1));
    if (next < defects.size() && defects[next].first == static_cast<int64_t>(i)) {
      const DefectKind kind = defects[next].second.kind;
      file.AppendRow(ApplyDefect(kind, file.dataset(), line, patient.nhs_number, defect_rng));
      ++planted[std::string(DefectName(kind))];
      ++next;
    } else {
      file.AppendRow(line);
    }
  }
}

}  // namespace

std::vector<OdsCode> DefaultCcgs() {
  return {OdsCode::Parse("27D").value(), OdsCode::Parse("02E").value(), OdsCode::Parse("12F").value()};
}

Result<SynthSummary> Generate(const refdata::RefData& refdata, const SynthOptions& options) {
  Progress progress("synth", "rows");
  if (refdata.Tariff(options.year) == nullptr) {
    std::string years;
    for (const auto& y : refdata.tariff_years()) years += (years.empty() ? "" : ", ") + y.ToString();
    return MakeError("--year", "no national tariff for " + options.year.ToString() + " (available: " + years + ")");
  }
  CSU_ASSIGN_OR_RETURN(selected, SelectPractices(refdata, options));
  CSU_ASSIGN_OR_RETURN(catalog, ProviderCatalog::Build(refdata, options.year));
  CSU_ASSIGN_OR_RETURN(hrgs, HrgMix::Build(refdata, options.year));
  const Calendar calendar(refdata, options.year);
  const OpMix op_mix(refdata);
  SimContext ctx;
  ctx.year = options.year;
  ctx.rates = BuildRateModel();
  ctx.calendar = &calendar;
  ctx.hrgs = &hrgs;
  ctx.catalog = &catalog;
  ctx.op_mix = &op_mix;
  const NhsNumberBlocks blocks(refdata.practices());

  std::vector<std::string> provider_codes;
  std::vector<OdsCode> provider_ods;
  for (const auto& p : catalog.providers()) {
    provider_codes.push_back(p.code.ToString());
    provider_ods.push_back(p.code);
  }
  PricedLedger ledger(refdata, options.year, std::move(provider_ods));

  Status st = MakeDirectories(options.out_dir);
  if (!st.ok()) return st.error();
  std::vector<std::unique_ptr<ExtractFile>> files;
  for (Dataset d : kDatasets) {
    files.push_back(std::make_unique<ExtractFile>(options.out_dir, d));
    st = files.back()->Open();
    if (!st.ok()) return st.error();
  }

  std::vector<int64_t> sizes;
  int64_t total_patients = 0;
  for (const auto& s : selected) {
    sizes.push_back(s.practice->registered_patients);
    total_patients += s.practice->registered_patients;
  }
  DefectPlan plan(options.defects, options.seed, sizes);
  Rng defect_rng(DeriveSeed(options.seed, 0xBADC0DEULL));
  SummaryBuilder summary(provider_codes);
  std::map<std::string, int64_t> planted;

  PracticeEvents events;
  std::string line;
  line.reserve(512);
  int64_t patients_done = 0;
  for (size_t slot = 0; slot < selected.size(); ++slot) {
    const refdata::Practice& practice = *selected[slot].practice;
    const std::string practice_code = practice.code.ToString();
    const std::string ccg_code = practice.ccg.ToString();
    events.Clear();
    Rng rng(DeriveSeed(options.seed, HashText(practice_code)));
    const PracticeProfile profile = ProfileOf(practice);
    const PopulationSampler sampler(profile, options.year);
    NhsNumberSequence numbers(blocks.first_prefix(selected[slot].index));
    const PracticeProviders providers = catalog.ForPractice(practice, selected[slot].geography);
    PatientSimulator sim(ctx, providers, profile.need);
    const auto list_size = static_cast<uint32_t>(practice.registered_patients);
    events.patients.reserve(list_size);
    for (uint32_t i = 0; i < list_size; ++i) {
      events.patients.push_back(sampler.Draw(rng, numbers));
      sim.Simulate(i, rng, events);
    }
    SortRows(events);
    // Their own stream, so that secondary diagnoses change no other value.
    Rng coding_rng(DeriveSeed(options.seed, HashText(practice_code) ^ kSecondaryDiagnosisStream));
    for (SpellRow& s : events.spells) AssignSecondaryDiagnoses(s, events.patients[s.patient], coding_rng);
    summary.AddPractice(ccg_code, events, options.year);
    ledger.AddPractice(practice.ccg, events);

    const RowContext row_ctx{practice_code, ccg_code, &provider_codes};
    WriteRows(*files[0], events.spells, events, row_ctx, plan, slot, defect_rng, planted, line, AppendSpellRow);
    WriteRows(*files[1], events.ops, events, row_ctx, plan, slot, defect_rng, planted, line, AppendOpRow);
    WriteRows(*files[2], events.aes, events, row_ctx, plan, slot, defect_rng, planted, line, AppendAeRow);

    patients_done += list_size;
    if (options.progress) {
      progress.Update(static_cast<uint64_t>(files[0]->rows() + files[1]->rows() + files[2]->rows()),
                      static_cast<double>(patients_done) / static_cast<double>(total_patients));
    }
  }
  // Defects that found no row in their practice or any after it.
  for (auto& file : files) {
    for (const PlannedDefect& d : plan.TakeLeftovers(file->dataset())) {
      if (file->rows() == 0) continue;
      file->AppendRow(ApplyDefect(d.kind, file->dataset(), file->last_row(), 9000000009ULL, defect_rng));
      ++planted[std::string(DefectName(d.kind))];
    }
  }
  const ContractPlans plans = PlanContracts(ledger, options.seed, options.year);
  AtomicFileWriter contracts_file(options.out_dir + "/contracts.csv");
  st = contracts_file.Open();
  if (!st.ok()) return st.error();
  contracts_file.Append(FormatContractsFile(plans));

  uint64_t bytes = 0;
  for (auto& file : files) {
    bytes += file->bytes();
    st = file->Commit();
    if (!st.ok()) return st.error();
  }
  st = contracts_file.Commit();
  if (!st.ok()) return st.error();
  progress.Finish();

  SynthSummary s = summary.Finish();
  s.year = options.year.ToString();
  s.seed = options.seed;
  s.bytes = bytes;
  s.defects = std::move(planted);
  s.contracts = static_cast<int64_t>(plans.contracts.size());
  s.priced_value = plans.priced_value;
  for (const PlannedContract& pc : plans.contracts) {
    s.plan_lines += static_cast<int64_t>(pc.contract.lines.size());
    s.contracts_over_plan += pc.setting == PlanSetting::kOverPlan ? 1 : 0;
    s.contracts_under_plan += pc.setting == PlanSetting::kUnderPlan ? 1 : 0;
    s.contract_actual += pc.actual_value;
    for (const contracts::PlanLine& l : pc.contract.lines) s.plan_value += l.value;
  }
  s.elapsed_seconds = progress.elapsed_seconds();
  return s;
}

}  // namespace csu::synth
