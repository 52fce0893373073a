#include "chc/caseload_file.h"

#include "core/codes.h"
#include "core/fixed_csv.h"
#include "core/nhs_number.h"
#include "core/text.h"

namespace csu::chc {
namespace {

enum Col { kCcg, kNhs, kName, kDob, kAddress, kRoute, kReferred, kChecklist, kOutcome, kDecided, kDecision, kReason,
           kProvider, kSetting, kUnitCost, kUnits, kPackageStart, kColumns };
constexpr const char* kNames[kColumns] = {"ccg", "nhs_number", "name", "date_of_birth", "address", "route",
                                          "referred_on", "checklist_received", "checklist_outcome", "decided_on",
                                          "decision", "decision_reason", "provider", "setting", "unit_cost",
                                          "units_per_week", "package_start"};

}  // namespace

CaseloadFile ReadCaseload(std::string_view text, const std::function<bool(const std::string&)>& is_ccg) {
  CaseloadFile out;
  auto problem = [&](int64_t line, int col, std::string why) {
    out.problems.push_back({line, col < 0 ? "" : kNames[col], std::move(why)});
  };
  const std::optional<int64_t> last = ReadFixedCsv(
      text, kCaseloadHeader, kColumns, "docs/formats/chc-caseload-v1.md",
      [&](int64_t line, const std::vector<std::string_view>& f) {
        const size_t before = out.problems.size();
        auto v = [&](int c) { return std::string(Trim(f[c])); };
        auto date = [&](int c, bool required) -> std::optional<Date> {
          const std::string t = v(c);
          if (t.empty()) {
            if (required) problem(line, c, "is required");
            return std::nullopt;
          }
          auto d = Date::Parse(t);
          if (!d.ok()) {
            problem(line, c, "is not a date (YYYY-MM-DD)");
            return std::nullopt;
          }
          return d.value();
        };
        CaseloadRow r;
        r.line = line;
        r.ccg = ToUpper(v(kCcg));
        if (r.ccg.empty()) problem(line, kCcg, "is required");
        else if (!OdsCode::Parse(r.ccg).ok()) problem(line, kCcg, "is not an ODS code");
        else if (is_ccg && !is_ccg(r.ccg)) problem(line, kCcg, "is not a CCG in the reference data");
        auto nhs = ParseNhsNumber(v(kNhs));
        if (v(kNhs).size() != 10 || !nhs)
          problem(line, kNhs, "is not a valid NHS number (10 digits, valid check digit)");
        else r.nhs_number = *nhs;
        r.identity.name = v(kName);
        if (r.identity.name.empty()) problem(line, kName, "is required");
        else if (r.identity.name.size() > 200) problem(line, kName, "is longer than 200 characters");
        r.identity.nhs_number = v(kNhs);
        r.identity.address = v(kAddress);
        if (r.identity.address.size() > 500) problem(line, kAddress, "is longer than 500 characters");
        const std::string route = v(kRoute);
        if (route == "fast_track") r.fast_track = true;
        else if (route != "standard") problem(line, kRoute, "is not standard or fast_track");
        auto referred = date(kReferred, true);
        auto dob = date(kDob, true);
        if (dob) r.identity.date_of_birth = dob->ToString();
        if (dob && referred && *dob > *referred) problem(line, kDob, "is after referred_on");
        r.checklist_received = date(kChecklist, false);
        const std::string outcome = v(kOutcome);
        if (r.fast_track && (r.checklist_received || !outcome.empty()))
          problem(line, kChecklist, "a Fast Track case has no Checklist");
        if (r.checklist_received) {
          if (outcome == "positive") r.checklist_positive = true;
          else if (outcome != "negative") problem(line, kOutcome, "is not positive or negative");
          if (referred && *r.checklist_received < *referred) problem(line, kChecklist, "is before referred_on");
        } else if (!outcome.empty() && !r.fast_track) {
          problem(line, kOutcome, "is given without checklist_received");
        }
        r.decided_on = date(kDecided, false);
        const std::string decision = v(kDecision);
        r.decision_reason = v(kReason);
        if (r.decided_on) {
          if (decision == "eligible") r.eligible = true;
          else if (decision != "not_eligible") problem(line, kDecision, "is not eligible or not_eligible");
          if (r.decision_reason.empty()) problem(line, kReason, "is required with decided_on");
          if (r.decision_reason.size() > 2000) problem(line, kReason, "is longer than 2,000 characters");
          if (referred && *r.decided_on < *referred) problem(line, kDecided, "is before referred_on");
          if (r.checklist_received && *r.decided_on < *r.checklist_received)
            problem(line, kDecided, "is before checklist_received");
          if (!r.fast_track && !r.checklist_positive)
            problem(line, kDecided, "a standard case is decided only after a positive Checklist");
        } else if (!decision.empty() || !r.decision_reason.empty()) {
          problem(line, kDecision, "decision and decision_reason need decided_on");
        }
        const bool any_package = !v(kProvider).empty() || !v(kSetting).empty() || !v(kUnitCost).empty() ||
                                 !v(kUnits).empty() || !v(kPackageStart).empty();
        if (any_package) {
          PackageVersion p;
          p.version = 1;
          p.provider = ToUpper(v(kProvider));
          if (p.provider.empty()) problem(line, kProvider, "is required for a package");
          else if (p.provider.size() > 20) problem(line, kProvider, "is longer than 20 characters");
          auto setting = ParseSetting(v(kSetting));
          if (!setting) problem(line, kSetting, "is not care_home_nursing, care_home, domiciliary or phb");
          else p.setting = *setting;
          auto cost = Money::Parse(v(kUnitCost));
          if (!cost.ok() || cost.value().pence() <= 0)
            problem(line, kUnitCost, "is not an amount of pounds more than 0");
          else p.unit_cost = cost.value();
          if (!v(kUnits).empty()) {
            auto units = ParseUnitsX100(v(kUnits));
            if (!units.ok()) problem(line, kUnits, "is not more than 0 with at most two decimals");
            else p.units_x100 = units.value();
          }
          auto start = date(kPackageStart, true);
          if (start) p.start = *start;
          if (start && referred && *start < *referred) problem(line, kPackageStart, "is before referred_on");
          if (!(r.decided_on && r.eligible)) problem(line, kProvider, "a package is only for an eligible case");
          r.package = p;
        }
        if (referred) r.referred_on = *referred;
        if (out.problems.size() == before) out.rows.push_back(std::move(r));
      },
      out.problems);
  if (!last) return out;
  if (out.rows.empty() && out.problems.empty()) problem(*last, -1, "has no cases");
  if (!out.problems.empty()) out.rows.clear();
  return out;
}

}  // namespace csu::chc
