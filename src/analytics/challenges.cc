#include "analytics/challenges.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "analytics/patient_groups.h"
#include "analytics/readmissions.h"
#include "analytics/year_calendar.h"
#include "contracts/contract_store.h"
#include "core/text.h"
#include "core/money.h"
#include "pricing/priced_activity.h"
#include "pricing/pricing_math.h"
#include "pricing/pricer.h"
#include "pricing/table_records.h"
#include "refdata/refdata.h"

namespace csu::analytics {
namespace {

using pricing::Pod;

OdsCode Ods(std::string_view code) {
  auto r = OdsCode::Parse(code);
  return r.ok() ? r.value() : OdsCode();
}

// A count in thousandths as a reader writes it: 2000 -> "2", 3500 -> "3.5".
std::string Thousandths(int64_t milli) {
  std::string out = std::to_string(milli / 1000);
  if (int64_t frac = milli % 1000; frac != 0) {
    char digits[8];
    std::snprintf(digits, sizeof digits, ".%03lld", static_cast<long long>(frac));
    std::string d(digits);
    while (d.back() == '0') d.pop_back();
    out += d;
  }
  return out;
}

// Where each table row came from: (batch id, row in batch).
std::pair<int64_t, uint32_t> Origin(const store::CommonColumns& t, uint32_t row) {
  for (const store::BatchRange& b : t.batches)
    if (row >= b.first_row && row < b.first_row + b.rows) return {b.batch_id, t.source_row[row]};
  return {0, t.source_row[row]};
}

class Finder {
 public:
  Finder(const pricing::PricedActivity& a, const refdata::RefData& ref, const ChallengeOptions& o)
      : a_(a), ref_(ref), o_(o), calendar_(o.year) {}

  // Record-level challenge for row `row` of table `t`.
  void Record(ChallengeRule rule, ingest::ExtractKind kind, const store::CommonColumns& t, uint32_t row, int32_t day,
              uint16_t hrg, int64_t pence, std::string reason) {
    Challenge c;
    c.rule = rule;
    c.kind = kind;
    c.commissioner = Ods(a_.tables.codes.commissioner().code(t.commissioner[row]));
    c.provider = Ods(a_.tables.codes.provider().code(t.provider[row]));
    auto [batch, batch_row] = Origin(t, row);
    c.batch_id = batch;
    c.batch_row = batch_row;
    c.table_row = row;
    c.date = Date::FromDays(day);
    c.month = calendar_.Month(day);
    c.hrg = std::string(a_.tables.codes.hrg().code(hrg));
    c.id = std::string(RuleName(rule)) + ":" + std::string(ingest::KindName(kind)) + ":" + std::to_string(batch) + ":" +
           std::to_string(batch_row);
    c.reason = std::move(reason);
    c.at_stake_pence = pence;
    out_.items.push_back(std::move(c));
  }

  // The rows of `t` this run looks at: the commissioner asked for, the
  // activity date inside the year up to the month.
  bool InScope(const store::CommonColumns& t, uint32_t row, int32_t day) const {
    if (o_.commissioner && t.commissioner[row] != *o_.commissioner) return false;
    const int m = calendar_.Month(day);
    return m != 0 && m <= o_.month;
  }

  // `same_day` is the date two records must share (a spell's admission);
  // `paid_day` the date that puts a record in a month (a spell's discharge,
  // as everywhere else: the challenge must fall in the year and month the
  // money was paid).
  template <typename Table, typename SameDay, typename PaidDay>
  void Duplicates(ingest::ExtractKind kind, const Table& t, const pricing::PricedColumns& p, SameDay same_day,
                  PaidDay paid_day) {
    PatientGroups g = GroupByPatient(t.patient, a_.tables.patients.size(), [&](uint32_t r) {
      return (int64_t{same_day(r)} << 32) | (int64_t{t.provider[r]} << 16) | t.hrg[r];
    });
    for (size_t pt = 1; pt + 1 < g.offsets.size(); ++pt) {
      for (uint32_t k = g.offsets[pt] + 1; k < g.offsets[pt + 1]; ++k) {
        const uint32_t row = g.rows[k], prev = g.rows[k - 1];
        if (same_day(row) != same_day(prev) || t.provider[row] != t.provider[prev] || t.hrg[row] != t.hrg[prev]) continue;
        if (!InScope(t, row, paid_day(row))) continue;
        Record(ChallengeRule::kDuplicate, kind, t, row, paid_day(row), t.hrg[row], p.final_pence[row],
               "same patient, provider, date and HRG as an earlier record");
      }
    }
  }

  template <typename Table, typename DayOf>
  void OtherCcg(ingest::ExtractKind kind, const Table& t, const pricing::PricedColumns& p, DayOf day_of) {
    // Per practice id: 1 when the practice's CCG differs from the record's
    // commissioner is decided per row; the practice -> CCG lookup once per id.
    const auto& practices = a_.tables.codes.practice();
    const auto& commissioners = a_.tables.codes.commissioner();
    std::vector<std::string> ccg_of(practices.size());
    for (uint32_t id = 1; id < practices.size(); ++id) {
      auto code = OdsCode::Parse(practices.code(id));
      if (!code.ok()) continue;
      if (const refdata::Practice* pr = ref_.FindPractice(code.value())) ccg_of[id] = pr->ccg.ToString();
    }
    for (uint32_t row = 0; row < t.size(); ++row) {
      const std::string& ccg = ccg_of[t.practice[row]];
      if (ccg.empty() || ccg == commissioners.code(t.commissioner[row])) continue;
      if (!InScope(t, row, day_of(row))) continue;
      Record(ChallengeRule::kOtherCcg, kind, t, row, day_of(row), t.hrg[row], p.final_pence[row],
             "patient registered with a practice of CCG " + ccg);
    }
  }

  void Readmission(const Readmissions& r) {
    const store::ApcTable& t = a_.tables.apc;
    for (uint32_t row = 0; row < t.size(); ++row) {
      if (!r.withheld[row] || !InScope(t, row, t.discharge_date[row])) continue;
      const uint32_t index = static_cast<uint32_t>(r.payment_index_row[row]);
      Record(ChallengeRule::kReadmission, ingest::ExtractKind::kApc, t, row, t.discharge_date[row], t.hrg[row],
             a_.apc.final_pence[row],
             "emergency readmission " + std::to_string(t.admission_date[row] - t.discharge_date[index]) +
                 " days after an elective spell discharged " + Date::FromDays(t.discharge_date[index]).ToString());
    }
  }

  void ZeroLosElective() {
    const store::ApcTable& t = a_.tables.apc;
    for (uint32_t row = 0; row < t.size(); ++row) {
      if (a_.apc.pod[row] != static_cast<uint8_t>(Pod::kElective)) continue;
      if (t.discharge_date[row] != t.admission_date[row] || !InScope(t, row, t.discharge_date[row])) continue;
      ingest::ApcRecord as_day_case = pricing::ApcRecordAt(a_.tables, row);
      as_day_case.patient_classification = '2';
      pricing::Price dc = pricing::PriceApc(as_day_case, ref_, a_.options);
      if (dc.not_priced != pricing::NotPriced::kPriced) continue;
      const int64_t over = a_.apc.final_pence[row] - dc.final_price.pence();
      if (over <= 0) continue;
      Record(ChallengeRule::kZeroLosElective, ingest::ExtractKind::kApc, t, row, t.discharge_date[row], t.hrg[row],
             over, "ordinary elective admission with no overnight stay priced above the day-case price of " +
                       dc.final_price.ToString());
    }
  }

  void UnbundledNoSpell() {
    const store::ApcTable& t = a_.tables.apc;
    for (size_t k = 0; k < t.unbundled_row.size(); ++k) {
      const uint32_t row = t.unbundled_row[k];
      if (a_.apc.priced(row) || !InScope(t, row, t.discharge_date[row])) continue;
      // All of this row's unbundled items are taken together (rows ascending).
      if (k > 0 && t.unbundled_row[k - 1] == row) continue;
      const auto reason = static_cast<pricing::NotPriced>(a_.apc.not_priced[row]);
      if (reason == pricing::NotPriced::kNoTariffYear || reason == pricing::NotPriced::kNoMff) continue;
      // The spell's tariff year is that of its discharge (docs/pricing.md).
      const Date day = Date::FromDays(t.discharge_date[row]);
      const refdata::TariffYear* tariff = ref_.TariffFor(day);
      auto provider = OdsCode::Parse(a_.tables.codes.provider().code(t.provider[row]));
      const refdata::Mff* mff = provider.ok() ? ref_.FindMff(FinancialYear::Of(day), provider.value()) : nullptr;
      if (!tariff || !mff) continue;
      Int128 sum = 0;
      int items = 0;
      for (size_t j = k; j < t.unbundled_row.size() && t.unbundled_row[j] == row; ++j) {
        auto hrg = HrgCode::Parse(a_.tables.codes.hrg().code(t.unbundled_hrg[j]));
        if (!hrg.ok()) continue;
        // What the item would earn on this spell by the pricing rule
        // (rebundled imaging earns nothing; delivery only outside ordinary
        // admissions).
        const uint8_t cls = t.patient_classification[row];
        const bool ordinary = cls != '2' && cls != '3' && cls != '4';
        const auto u = pricing::detail::PriceUnbundledOnSpell(*tariff, hrg.value(), ordinary);
        if (u.rule == pricing::detail::UnbundledRule::kPaid) {
          sum += Int128(u.price.pence()) * mff->index_ppm;
          ++items;
        }
      }
      if (items == 0) continue;
      Record(ChallengeRule::kUnbundledNoSpell, ingest::ExtractKind::kApc, t, row, t.discharge_date[row], t.hrg[row],
             DivRoundHalfAway(sum, refdata::kPpm),
             std::to_string(items) + " unbundled item(s) on a spell with no payable core price (" +
                 std::string(pricing::NotPricedText(reason)) + ")");
    }
  }

  void FollowUpRatio() {
    const store::OpTable& t = a_.tables.op;
    struct Acc {
      int64_t firsts = 0, follow_ups = 0, follow_up_pence = 0;
    };
    std::map<std::tuple<uint16_t, uint16_t, uint16_t>, Acc> by;
    for (uint32_t row = 0; row < t.size(); ++row) {
      const uint8_t pod = a_.op.pod[row];
      if (pod != static_cast<uint8_t>(Pod::kOpFirst) && pod != static_cast<uint8_t>(Pod::kOpFollowUp)) continue;
      if (!InScope(t, row, t.appointment_date[row])) continue;
      Acc& acc = by[{t.commissioner[row], t.provider[row], t.treatment_function[row]}];
      if (pod == static_cast<uint8_t>(Pod::kOpFirst)) ++acc.firsts;
      else {
        ++acc.follow_ups;
        acc.follow_up_pence += a_.op.final_pence[row];
      }
    }
    for (const auto& [key, acc] : by) {
      const auto [comm, prov, tfc] = key;
      const std::string tfc_code(a_.tables.codes.treatment_function().code(tfc));
      int64_t limit = o_.fu_ratio_limit_milli;
      for (const auto& [code, l] : o_.fu_ratio_limit_by_tfc)
        if (code == tfc_code) limit = l;
      // No firsts: no ratio to compare (the firsts were in an earlier year).
      if (acc.firsts == 0 || acc.follow_ups * 1000 <= acc.firsts * limit) continue;
      // Follow-ups above the limit: follow_ups − limit × firsts, exactly as
      // the rule states it, in thousandths so that a limit such as 2.5 is
      // not rounded either way (11 − 3 × 2.5 = 3.5); the £ is rounded once.
      const int64_t excess_milli = acc.follow_ups * 1000 - acc.firsts * limit;
      Challenge c;
      c.rule = ChallengeRule::kFollowUpRatio;
      c.commissioner = Ods(a_.tables.codes.commissioner().code(comm));
      c.provider = Ods(a_.tables.codes.provider().code(prov));
      c.date = o_.year.first_day();
      c.hrg = tfc_code;
      c.id = "fu-ratio:" + c.commissioner.ToString() + ":" + c.provider.ToString() + ":" + tfc_code + ":" +
             std::to_string(o_.year.start_year());
      c.at_stake_pence = DivRoundHalfAway(Int128(acc.follow_up_pence) * excess_milli, Int128(acc.follow_ups) * 1000);
      char ratio[64];
      std::snprintf(ratio, sizeof ratio, "%.2f", static_cast<double>(acc.follow_ups) / static_cast<double>(acc.firsts));
      char lim[32];
      std::snprintf(lim, sizeof lim, "%.2f", static_cast<double>(limit) / 1000.0);
      c.reason = "treatment function " + tfc_code + ": " + std::to_string(acc.follow_ups) + " follow-ups to " +
                 std::to_string(acc.firsts) + " firsts (ratio " + ratio + ", limit " + lim + "); " +
                 Thousandths(excess_milli) + " follow-ups above the limit";
      out_.items.push_back(std::move(c));
    }
  }

  Challenges Finish() {
    std::stable_sort(out_.items.begin(), out_.items.end(), [](const Challenge& a, const Challenge& b) {
      if (a.commissioner != b.commissioner) return a.commissioner < b.commissioner;
      if (a.provider != b.provider) return a.provider < b.provider;
      if (a.rule != b.rule) return a.rule < b.rule;
      return a.date < b.date;
    });
    for (const Challenge& c : out_.items) out_.total_at_stake_pence += c.at_stake_pence;
    return std::move(out_);
  }

 private:
  const pricing::PricedActivity& a_;
  const refdata::RefData& ref_;
  const ChallengeOptions& o_;
  YearCalendar calendar_;
  Challenges out_;
};

}  // namespace

std::string_view RuleName(ChallengeRule r) {
  switch (r) {
    case ChallengeRule::kDuplicate: return "duplicate";
    case ChallengeRule::kReadmission: return "readmission";
    case ChallengeRule::kOtherCcg: return "other-ccg";
    case ChallengeRule::kFollowUpRatio: return "fu-ratio";
    case ChallengeRule::kZeroLosElective: return "zero-los-elective";
    case ChallengeRule::kUnbundledNoSpell: return "unbundled-no-spell";
  }
  return "";
}

Challenges FindChallenges(const pricing::PricedActivity& a, const Readmissions& readmissions,
                          const refdata::RefData& ref, const ChallengeOptions& options) {
  Finder f(a, ref, options);
  const auto& apc = a.tables.apc;
  const auto& op = a.tables.op;
  const auto& ae = a.tables.ae;
  auto apc_admitted = [&](uint32_t r) { return apc.admission_date[r]; };
  auto apc_discharged = [&](uint32_t r) { return apc.discharge_date[r]; };
  auto op_day = [&](uint32_t r) { return op.appointment_date[r]; };
  auto ae_day = [&](uint32_t r) { return ae.arrival[r] / 1440; };
  f.Duplicates(ingest::ExtractKind::kApc, apc, a.apc, apc_admitted, apc_discharged);
  f.Duplicates(ingest::ExtractKind::kOp, op, a.op, op_day, op_day);
  f.Duplicates(ingest::ExtractKind::kAe, ae, a.ae, ae_day, ae_day);
  f.Readmission(readmissions);
  f.OtherCcg(ingest::ExtractKind::kApc, apc, a.apc, apc_discharged);
  f.OtherCcg(ingest::ExtractKind::kOp, op, a.op, op_day);
  f.OtherCcg(ingest::ExtractKind::kAe, ae, a.ae, ae_day);
  f.FollowUpRatio();
  f.ZeroLosElective();
  f.UnbundledNoSpell();
  return f.Finish();
}

namespace {

// Row `source_row` of batch `batch` in `t`: its commissioner's code.
std::optional<std::string_view> RecordCommissioner(const pricing::PricedActivity& a, const store::CommonColumns& t,
                                                   int64_t batch, uint32_t source_row) {
  std::optional<size_t> row;
  for (const store::BatchRange& b : t.batches)
    if (b.batch_id == batch) row = t.source_row.Find(b.first_row, b.rows, source_row);
  // A table built without batches (tests) has batch 0 throughout (Origin).
  if (t.batches.empty() && batch == 0) row = t.source_row.Find(0, t.source_row.size(), source_row);
  if (!row) return std::nullopt;
  return a.tables.codes.commissioner().code(t.commissioner[*row]);
}

}  // namespace

std::optional<OdsCode> ChallengeCommissioner(const pricing::PricedActivity& a, std::string_view id) {
  const std::vector<std::string_view> parts = Split(id, ':');
  if (parts.size() == 5 && parts[0] == RuleName(ChallengeRule::kFollowUpRatio)) {
    auto code = OdsCode::Parse(parts[1]);
    if (!code.ok() || code.value().view() != parts[1]) return std::nullopt;
    return code.value();
  }
  if (parts.size() != 4) return std::nullopt;
  bool rule = false;
  for (ChallengeRule r : {ChallengeRule::kDuplicate, ChallengeRule::kReadmission, ChallengeRule::kOtherCcg,
                          ChallengeRule::kZeroLosElective, ChallengeRule::kUnbundledNoSpell})
    rule = rule || parts[0] == RuleName(r);
  if (!rule) return std::nullopt;
  const std::optional<int64_t> batch = ParseInt(parts[2]);
  const std::optional<int64_t> row = ParseInt(parts[3]);
  if (!batch || !row || *row < 0 || *row > int64_t{UINT32_MAX}) return std::nullopt;
  const auto kind = ingest::ParseKind(parts[1]);
  if (!kind.ok() || ingest::KindName(kind.value()) != parts[1]) return std::nullopt;
  const store::CommonColumns* t = nullptr;
  switch (kind.value()) {
    case ingest::ExtractKind::kApc: t = &a.tables.apc; break;
    case ingest::ExtractKind::kOp: t = &a.tables.op; break;
    case ingest::ExtractKind::kAe: t = &a.tables.ae; break;
  }
  const std::optional<std::string_view> code = RecordCommissioner(a, *t, *batch, static_cast<uint32_t>(*row));
  if (!code) return std::nullopt;
  auto ods = OdsCode::Parse(*code);
  if (!ods.ok()) return std::nullopt;
  return ods.value();
}

Result<int64_t> NameChallengeCommissioners(contracts::ContractStore& log, const pricing::PricedActivity& priced) {
  CSU_ASSIGN_OR_RETURN(unnamed, log.ChallengesWithoutCcg());
  std::vector<std::pair<std::string, std::string>> found;
  for (const std::string& id : unnamed)
    if (std::optional<OdsCode> ccg = ChallengeCommissioner(priced, id)) found.emplace_back(id, ccg->ToString());
  if (found.empty()) return int64_t{0};
  return log.NameChallengeCcgs(found);
}

}  // namespace csu::analytics
