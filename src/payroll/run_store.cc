// Pay runs over payroll.sqlite: the period inputs gathered from the staff
// records, the payslips calculated by CalculatePayRun (pay_run.h), the
// review flags against the employer's last approved run, and second-person
// approval after which the run and its payslips are final (triggers in
// docs/store-format.md §16). Rules: docs/payroll.md, "Pay runs".
#include <algorithm>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "payroll/payroll_store.h"
#include "payroll/payroll_store_impl.h"
#include "store/sql.h"

namespace csu::payroll {
namespace {

using nlohmann::json;

json MoneyJson(Money m) { return m.pence(); }
Money JsonMoney(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? Money::FromPence(it->get<int64_t>()) : Money();
}

#define CSU_YTD_FIELDS(X)                                                                                    \
  X(gross) X(taxable) X(tax) X(ni_earnings) X(earnings_at_lel) X(earnings_lel_to_pt) X(earnings_pt_to_uel) \
  X(employee_ni) X(employer_ni) X(employee_pension) X(employer_pension) X(pension_levy) X(net)

json YtdJson(const YearToDate& y) {
  json j = json::object();
#define X(f) j[#f] = MoneyJson(y.f);
  CSU_YTD_FIELDS(X)
#undef X
  return j;
}

YearToDate JsonYtd(const json& j) {
  YearToDate y;
#define X(f) y.f = JsonMoney(j, #f);
  CSU_YTD_FIELDS(X)
#undef X
  return y;
}

// The whole payslip, for the review page, the payslip outputs and the next
// period's year-to-date figures. No personal field is in a Payslip.
json PayslipJson(const Payslip& p) {
  json lines = json::array();
  for (const PayLine& l : p.lines)
    lines.push_back({{"code", l.code}, {"label", l.label}, {"amount", l.amount.pence()}, {"explanation", l.explanation}});
  return {{"employee_id", p.employee_id},
          {"cost_centre", p.cost_centre},
          {"tax_year", p.tax_year},
          {"period", p.period},
          {"pay_date", p.pay_date.ToString()},
          {"tax_code", p.tax_code},
          {"ni_category", std::string(1, p.ni_category)},
          {"afc_band", p.afc_band},
          {"afc_step", p.afc_step},
          {"basic_pay", p.basic_pay.pence()},
          {"hcas", p.hcas.pence()},
          {"other_pay", p.other_pay.pence()},
          {"gross", p.gross.pence()},
          {"pensionable", p.pensionable.pence()},
          {"taxable", p.taxable.pence()},
          {"ni_earnings", p.ni_earnings.pence()},
          {"tax", p.tax.pence()},
          {"employee_ni", p.employee_ni.pence()},
          {"employee_pension", p.employee_pension.pence()},
          {"other_deductions", p.other_deductions.pence()},
          {"net", p.net.pence()},
          {"employer_ni", p.employer_ni.pence()},
          {"employer_pension", p.employer_pension.pence()},
          {"pension_levy", p.pension_levy.pence()},
          {"pension_member_bp", p.pension_member_bp},
          {"regulatory_limit_applied", p.regulatory_limit_applied},
          {"starter", p.starter},
          {"leaving_date", p.leaving_date ? p.leaving_date->ToString() : ""},
          {"earnings_at_lel", p.earnings_at_lel.pence()},
          {"earnings_lel_to_pt", p.earnings_lel_to_pt.pence()},
          {"earnings_pt_to_uel", p.earnings_pt_to_uel.pence()},
          {"contracted_centihours", p.contracted_centihours},
          {"to_date", YtdJson(p.to_date)},
          {"lines", lines}};
}

std::string JoinFlags(const std::vector<std::string>& flags) {
  std::string s;
  for (const std::string& f : flags) s += (s.empty() ? "" : ",") + f;
  return s;
}

std::vector<std::string> SplitFlags(const std::string& s) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < s.size()) {
    size_t comma = s.find(',', at);
    if (comma == std::string::npos) comma = s.size();
    if (comma > at) out.push_back(s.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

// The month of a tax year's period: period 1 is April.
std::pair<Date, Date> MonthOf(const FinancialYear& fy, int period) {
  int month = 3 + period, year = fy.start_year();
  if (month > 12) month -= 12, ++year;
  return {Date::FromYmd(year, month, 1), Date::FromYmd(year, month, Date::DaysInMonth(year, month))};
}

constexpr const char* kRunSelect =
    "SELECT r.id, r.employer, r.tax_year, r.period, r.state, r.calculated_at, r.calculated_by, "
    "COALESCE(r.approved_at, ''), COALESCE(r.approved_by, ''), COUNT(s.employee_id), COALESCE(SUM(s.gross_pence), 0), "
    "COALESCE(SUM(s.net_pence), 0), COALESCE(SUM(CASE WHEN s.flags <> '' THEN 1 ELSE 0 END), 0) FROM pay_runs r LEFT JOIN payslips s ON s.run_id = r.id ";

PayRunRecord ReadRun(const store::SqlStatement& q) {
  PayRunRecord r;
  r.id = q.Int(0);
  r.employer = q.Text(1);
  r.tax_year = q.Text(2);
  r.period = static_cast<int>(q.Int(3));
  r.state = q.Text(4) == "approved" ? RunState::kApproved : RunState::kCalculated;
  r.calculated_at = q.Text(5);
  r.calculated_by = q.Text(6);
  r.approved_at = q.Text(7);
  r.approved_by = q.Text(8);
  r.payslips = q.Int(9);
  r.gross = Money::FromPence(q.Int(10));
  r.net = Money::FromPence(q.Int(11));
  r.flagged = q.Int(12);
  return r;
}

}  // namespace

// The inverse of PayslipJson: a stored payslip as CalculatePayRun gave it.
// Payslips stored before the period's RTI band earnings and contracted
// hours were kept (schema 1 as first released) read them as absent:
// `complete` is then false and the FPS refuses the run.
Result<Payslip> PayslipFromDetail(const std::string& detail, const std::string& employer, bool* complete) {
  json j = json::parse(detail, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("to_date") || !j.contains("lines"))
    return MakeError("payslip", "its stored detail does not read");
  auto text = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto integer = [&](const char* key) -> int64_t {
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  };
  Payslip p;
  p.employee_id = text("employee_id");
  p.employer_id = employer;
  p.cost_centre = text("cost_centre");
  p.tax_year = text("tax_year");
  p.frequency = Frequency::kMonthly;  // stored runs are monthly (docs/payroll.md, "Pay runs")
  p.period = static_cast<int>(integer("period"));
  auto pay_date = Date::Parse(text("pay_date"));
  if (!pay_date.ok()) return MakeError("payslip " + p.employee_id, "its stored pay date does not read");
  p.pay_date = pay_date.value();
  p.tax_code = text("tax_code");
  const std::string ni = text("ni_category");
  p.ni_category = ni.empty() ? 'A' : ni[0];
  p.afc_band = text("afc_band");
  p.afc_step = static_cast<int>(integer("afc_step"));
#define CSU_PAYSLIP_MONEY(X)                                                                                          \
  X(basic_pay) X(hcas) X(other_pay) X(gross) X(pensionable) X(taxable) X(ni_earnings) X(tax) X(employee_ni)          \
  X(employee_pension) X(other_deductions) X(net) X(employer_ni) X(employer_pension) X(pension_levy) X(earnings_at_lel) \
  X(earnings_lel_to_pt) X(earnings_pt_to_uel)
#define X(f) p.f = JsonMoney(j, #f);
  CSU_PAYSLIP_MONEY(X)
#undef X
#undef CSU_PAYSLIP_MONEY
  p.pension_member_bp = integer("pension_member_bp");
  p.regulatory_limit_applied = j.value("regulatory_limit_applied", false);
  p.starter = j.value("starter", false);
  if (const std::string left = text("leaving_date"); !left.empty()) {
    auto d = Date::Parse(left);
    if (!d.ok()) return MakeError("payslip " + p.employee_id, "its stored leaving date does not read");
    p.leaving_date = d.value();
  }
  p.contracted_centihours = integer("contracted_centihours");
  if (complete != nullptr) *complete = j.contains("contracted_centihours") && j.contains("earnings_at_lel");
  p.to_date = JsonYtd(j["to_date"]);
  for (const json& l : j["lines"]) {
    if (!l.is_object()) continue;
    p.lines.push_back({l.value("code", ""), l.value("label", ""), JsonMoney(l, "amount"), l.value("explanation", "")});
  }
  return p;
}

std::string_view RunStateName(RunState s) { return s == RunState::kApproved ? "approved" : "calculated"; }

Result<std::vector<PayRunRecord>> PayrollStore::PayRuns(const std::string& employer) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string(kRunSelect) +
                                       "WHERE r.employer = ?1 GROUP BY r.id ORDER BY r.tax_year DESC, r.period DESC"));
  q.Bind(1, employer);
  std::vector<PayRunRecord> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(ReadRun(q));
  }
  return out;
}

Result<std::optional<PayRunRecord>> PayrollStore::FindRun(int64_t run_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string(kRunSelect) + "WHERE r.id = ?1 GROUP BY r.id"));
  q.Bind(1, run_id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<PayRunRecord>();
  return std::optional<PayRunRecord>(ReadRun(q));
}

Result<std::vector<StoredPayslip>> PayrollStore::Payslips(int64_t run_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
                              "SELECT s.run_id, s.employee_id, e.staff_number, s.cost_centre, s.tax_code, "
                              "s.ni_category, s.gross_pence, s.pensionable_pence, s.taxable_pence, s.tax_pence, "
                              "s.employee_ni_pence, s.employer_ni_pence, s.employee_pension_pence, "
                              "s.employer_pension_pence, s.pension_levy_pence, s.net_pence, s.flags, s.detail FROM "
                              "payslips s JOIN employees e ON e.id = s.employee_id WHERE s.run_id = ?1 ORDER BY "
                              "e.staff_number"));
  q.Bind(1, run_id);
  std::vector<StoredPayslip> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    StoredPayslip p;
    p.run_id = q.Int(0);
    p.employee_id = q.Int(1);
    p.staff_number = q.Text(2);
    p.cost_centre = q.Text(3);
    p.tax_code = q.Text(4);
    p.ni_category = q.Text(5);
    Money* m[] = {&p.gross, &p.pensionable, &p.taxable, &p.tax, &p.employee_ni, &p.employer_ni,
                  &p.employee_pension, &p.employer_pension, &p.pension_levy, &p.net};
    for (int i = 0; i < 10; ++i) *m[i] = Money::FromPence(q.Int(6 + i));
    p.flags = SplitFlags(q.Text(16));
    p.detail = q.Text(17);
    out.push_back(std::move(p));
  }
  return out;
}

Result<PayRunRecord> PayrollStore::CalculateRun(const std::string& employer, const std::string& tax_year, int period,
                                                const PayRunRates& rates, const Actor& actor) {
  return CalculateRun(
      employer, tax_year, period, [&rates](const std::vector<PeriodInput>& in) { return CalculatePayRun(in, rates); },
      actor);
}

Result<PayRunRecord> PayrollStore::CalculateRun(const std::string& employer, const std::string& tax_year, int period,
                                                const PayCalculator& calculate, const Actor& actor) {
  auto fy = FinancialYear::Parse(tax_year);
  if (!fy.ok()) return MakeError("tax year", "'" + tax_year + "' is not a tax year like 2025/26");
  const std::string year = fy.value().ToString();
  if (period < 1 || period > 12) return MakeError("period", "a monthly run's period is 1 (April) to 12 (March)");
  // Server mode: the pay run is a singleton job across the nodes (issue
  // #18), taken before anything is read and let go once stored or failed.
  // Embedded mode needs none: SQLite's one writer serialises the whole run.
  if (db_->Backend() != "postgresql") return CalculateRunLocked(employer, year, period, calculate, actor);
  if (Status s = TakePayRunJob(employer + " " + year + " period " + std::to_string(period), actor); !s.ok())
    return s.error();
  auto run = CalculateRunLocked(employer, year, period, calculate, actor);
  ReleasePayRunJob();
  return run;
}

Status PayrollStore::TakePayRunJob(const std::string& what, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT CASE WHEN pg_try_advisory_lock(" + store::AdvisoryLockKeySql("?1") +
                                       ") THEN 1 ELSE 0 END"));
  q.Bind(1, kPayRunJobLock);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  const bool got = row && q.Int(0) == 1;
  q.Reset();
  if (!got) {
    // Who holds it, as the holder recorded when it took the lock.
    CSU_ASSIGN_OR_RETURN(h, db_->Prepare("SELECT what, started_by, started_at FROM pay_run_job WHERE slot = 1"));
    CSU_ASSIGN_OR_RETURN(has, h.Step());
    const std::string holder = has ? "the pay run of " + h.Text(0) + " started by " + h.Text(1) + " at " + h.Text(2)
                                   : "another pay run";
    h.Reset();
    return MakeError("pay run " + what, holder + " is running against this database (pay runs run one at a time on "
                                                  "every node); try again when it has finished");
  }
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(w, db_->Prepare("INSERT INTO pay_run_job(slot, what, started_at, started_by) VALUES "
                                         "(1, ?1, ?2, ?3) ON CONFLICT(slot) DO UPDATE SET what = excluded.what, "
                                         "started_at = excluded.started_at, started_by = excluded.started_by"));
    return w.Bind(1, what).Bind(2, actor.at).Bind(3, actor.by).Run();
  });
  if (!s.ok()) ReleasePayRunJob();
  return s;
}

void PayrollStore::ReleasePayRunJob() {
  auto q = db_->Prepare("SELECT pg_advisory_unlock(" + store::AdvisoryLockKeySql("?1") + ")");
  if (!q.ok()) return;  // the lock goes with the connection anyway
  q.value().Bind(1, kPayRunJobLock);
  (void)q.value().Run();
}

Result<PayRunRecord> PayrollStore::CalculateRunLocked(const std::string& employer, const std::string& year, int period,
                                                      const PayCalculator& calculate, const Actor& actor) {
  auto fy = FinancialYear::Parse(year);
  if (!fy.ok()) return MakeError("tax year", "'" + year + "' is not a tax year like 2025/26");
  const std::string where = "pay run " + employer + " " + year + " period " + std::to_string(period);
  const auto [month_start, month_end] = MonthOf(fy.value(), period);

  int64_t run_id = 0;
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(emp, FindEmployer(employer));
    if (!emp) return MakeError("employer " + employer, "is not recorded");
    // The run as it stands: an approved run is final.
    CSU_ASSIGN_OR_RETURN(existing, db_->Prepare("SELECT id, state FROM pay_runs WHERE employer = ?1 AND tax_year = ?2 "
                                                "AND period = ?3"));
    existing.Bind(1, employer).Bind(2, year).Bind(3, static_cast<int64_t>(period));
    CSU_ASSIGN_OR_RETURN(have, existing.Step());
    if (have && existing.Text(1) == "approved")
      return MakeError(where, "is approved and final; it cannot be calculated again");
    const int64_t existing_id = have ? existing.Int(0) : 0;
    // A run follows its predecessor: no run while an earlier one of the
    // year is unapproved, as its figures would not count in the year to date.
    CSU_ASSIGN_OR_RETURN(pending, db_->Prepare("SELECT period FROM pay_runs WHERE employer = ?1 AND tax_year = ?2 AND "
                                               "period < ?3 AND state = 'calculated' ORDER BY period LIMIT 1"));
    pending.Bind(1, employer).Bind(2, year).Bind(3, static_cast<int64_t>(period));
    CSU_ASSIGN_OR_RETURN(blocked, pending.Step());
    if (blocked)
      return MakeError(where, "period " + pending.Text(0) + " of " + year + " is calculated but not approved; approve it first");

    // The employer's last approved run before this one, for the review flags.
    CSU_ASSIGN_OR_RETURN(prev, db_->Prepare("SELECT id FROM pay_runs WHERE employer = ?1 AND state = 'approved' AND "
                                            "(tax_year < ?2 OR (tax_year = ?2 AND period < ?3)) ORDER BY tax_year "
                                            "DESC, period DESC LIMIT 1"));
    prev.Bind(1, employer).Bind(2, year).Bind(3, static_cast<int64_t>(period));
    CSU_ASSIGN_OR_RETURN(has_prev, prev.Step());
    const int64_t prev_run = has_prev ? prev.Int(0) : 0;
    std::map<int64_t, std::pair<Money, std::string>> last;  // employee -> net, tax code
    if (prev_run != 0) {
      CSU_ASSIGN_OR_RETURN(lq, db_->Prepare("SELECT employee_id, net_pence, tax_code FROM payslips WHERE run_id = ?1"));
      lq.Bind(1, prev_run);
      for (;;) {
        CSU_ASSIGN_OR_RETURN(row, lq.Step());
        if (!row) break;
        last[lq.Int(0)] = {Money::FromPence(lq.Int(1)), lq.Text(2)};
      }
    }

    CSU_ASSIGN_OR_RETURN(posts, Posts(employer));
    std::map<std::string, std::string> cost_centre;
    for (const Post& p : posts) cost_centre[p.code] = p.cost_centre;
    CSU_ASSIGN_OR_RETURN(staff, Employees(employer));
    CSU_ASSIGN_OR_RETURN(all, Assignments(employer, 0));
    std::map<int64_t, std::vector<const Assignment*>> by_employee;
    for (const Assignment& a : all) by_employee[a.employee_id].push_back(&a);

    // Year to date before this period: the employee's latest approved
    // payslip of the year (its detail carries the figures including it).
    CSU_ASSIGN_OR_RETURN(ytd, db_->Prepare("SELECT s.detail FROM payslips s JOIN pay_runs r ON r.id = s.run_id WHERE "
                                           "s.employee_id = ?1 AND r.tax_year = ?2 AND r.period < ?3 AND r.state = "
                                           "'approved' ORDER BY r.period DESC LIMIT 1"));
    CSU_ASSIGN_OR_RETURN(ever, db_->Prepare("SELECT 1 FROM payslips s JOIN pay_runs r ON r.id = s.run_id WHERE "
                                            "s.employee_id = ?1 AND r.state = 'approved' LIMIT 1"));

    std::vector<PeriodInput> inputs;
    std::vector<int64_t> ids;
    for (const EmployeeRow& e : staff) {
      if (e.start > month_end || (e.leaving && *e.leaving < month_start)) continue;
      // The assignment paid: the one current on the last day employed in
      // the month. Two at once is refused (one payslip, one basic pay).
      const Date last_day = e.leaving ? std::min(*e.leaving, month_end) : month_end;
      const Assignment* paid = nullptr;
      for (const Assignment* a : by_employee[e.id]) {
        if (a->start > last_day || (a->end && *a->end < std::max(month_start, e.start))) continue;
        if (a->start <= last_day && (!a->end || *a->end >= last_day)) {
          if (paid != nullptr && paid->start <= last_day && (!paid->end || *paid->end >= last_day))
            return MakeError("employee " + e.staff_number,
                             "has two assignments current on " + last_day.ToString() +
                                 "; end one (csu payroll assignments end) before the run");
          paid = a;
        } else if (paid == nullptr) {
          paid = a;  // ended earlier in the month: paid to its end
        }
      }
      if (paid == nullptr) continue;  // employed but not assigned to a post: nothing to pay
      PeriodInput in;
      in.employee_id = e.staff_number;
      in.employer_id = employer;
      in.cost_centre = cost_centre[paid->post_code];
      in.tax_year = year;
      in.frequency = Frequency::kMonthly;
      in.period = period;
      in.period_start = std::max({month_start, e.start, paid->start});
      in.period_end = std::min(last_day, paid->end.value_or(last_day));
      in.pay_date = month_end;
      in.tax_code = paid->tax_code;
      in.ni_category = paid->ni_category.empty() ? 'A' : paid->ni_category[0];
      in.pension_member = paid->pension_member;
      if (paid->annual_salary) {
        in.basic = BasicPaySource::kSalary;
        in.annual_salary = paid->annual_salary;
      } else {
        in.basic = BasicPaySource::kAfc;
      }
      in.afc_band = paid->band;
      in.afc_step = paid->spine_point;
      in.incremental_date = paid->incremental_date;
      in.fte = Fte{paid->hours_x100, 3750};
      in.hcas = paid->hcas == "inner_london"   ? HcasZone::kInnerLondon
                : paid->hcas == "outer_london" ? HcasZone::kOuterLondon
                : paid->hcas == "fringe"       ? HcasZone::kFringe
                                               : HcasZone::kNone;
      ytd.Reset();
      ytd.Bind(1, e.id).Bind(2, year).Bind(3, static_cast<int64_t>(period));
      CSU_ASSIGN_OR_RETURN(has_ytd, ytd.Step());
      if (has_ytd) {
        json detail = json::parse(ytd.Text(0), nullptr, false);
        if (detail.is_discarded() || !detail.contains("to_date"))
          return MakeError("employee " + e.staff_number, "an earlier payslip's stored detail does not read");
        in.to_date = JsonYtd(detail["to_date"]);
      }
      if (e.leaving && *e.leaving <= month_end) in.leaving_date = e.leaving;
      ever.Reset();
      ever.Bind(1, e.id);
      CSU_ASSIGN_OR_RETURN(paid_before, ever.Step());
      in.starter = !paid_before;
      inputs.push_back(std::move(in));
      ids.push_back(e.id);
    }
    if (inputs.empty()) return MakeError(where, "no one assigned to a post is employed in this month");

    CSU_ASSIGN_OR_RETURN(result, calculate(inputs));
    if (result.payslips.size() != inputs.size()) return MakeError(where, "the calculation gave a payslip count that differs from its inputs");

    if (existing_id != 0) {
      CSU_ASSIGN_OR_RETURN(del, db_->Prepare("DELETE FROM payslips WHERE run_id = ?1"));
      if (Status st = del.Bind(1, existing_id).Run(); !st.ok()) return st;
      CSU_ASSIGN_OR_RETURN(up, db_->Prepare("UPDATE pay_runs SET calculated_at = ?2, calculated_by = ?3 WHERE id = ?1"));
      if (Status st = up.Bind(1, existing_id).Bind(2, actor.at).Bind(3, actor.by).Run(); !st.ok()) return st;
      run_id = existing_id;
    } else {
      CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO pay_runs(employer, tax_year, period, state, calculated_at, "
                                             "calculated_by) VALUES (?1,?2,?3,'calculated',?4,?5) RETURNING id"));
      ins.Bind(1, employer).Bind(2, year).Bind(3, static_cast<int64_t>(period)).Bind(4, actor.at).Bind(5, actor.by);
      CSU_ASSIGN_OR_RETURN(id, InsertedId(*db_, ins));
      run_id = id;
    }
    CSU_ASSIGN_OR_RETURN(put, db_->Prepare(
                                  "INSERT INTO payslips(run_id, employee_id, cost_centre, tax_code, ni_category, "
                                  "gross_pence, pensionable_pence, taxable_pence, tax_pence, employee_ni_pence, "
                                  "employer_ni_pence, employee_pension_pence, employer_pension_pence, "
                                  "pension_levy_pence, net_pence, flags, detail) VALUES "
                                  "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)"));
    for (size_t i = 0; i < ids.size(); ++i) {
      const Payslip& p = result.payslips[i];
      // Review flags against the employer's last approved run.
      std::vector<std::string> flags;
      auto was = last.find(ids[i]);
      if (p.starter || was == last.end()) flags.push_back("new_starter");
      if (p.leaving_date) flags.push_back("leaver");
      if (was != last.end()) {
        if (was->second.second != p.tax_code) flags.push_back("tax_code_changed");
        const int64_t before = was->second.first.pence(), now = p.net.pence();
        if (std::llabs(now - before) * 10000 > kNetChangeFlagBp * std::llabs(before)) flags.push_back("net_change");
      }
      put.Reset();
      put.Bind(1, run_id).Bind(2, ids[i]).Bind(3, p.cost_centre).Bind(4, p.tax_code)
          .Bind(5, std::string(1, p.ni_category)).Bind(6, p.gross.pence()).Bind(7, p.pensionable.pence())
          .Bind(8, p.taxable.pence()).Bind(9, p.tax.pence()).Bind(10, p.employee_ni.pence())
          .Bind(11, p.employer_ni.pence()).Bind(12, p.employee_pension.pence()).Bind(13, p.employer_pension.pence())
          .Bind(14, p.pension_levy.pence()).Bind(15, p.net.pence()).Bind(16, JoinFlags(flags))
          .Bind(17, PayslipJson(p).dump());
      if (Status st = put.Run(); !st.ok()) return st;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(run, FindRun(run_id));
  if (!run) return MakeError(where, "the run was not stored");
  return *run;
}

Result<PayRunRecord> PayrollStore::ApproveRun(int64_t run_id, const Actor& actor) {
  const std::string where = "pay run " + std::to_string(run_id);
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(run, FindRun(run_id));
    if (!run) return MakeError(where, "no such pay run");
    if (run->state == RunState::kApproved) return MakeError(where, "is already approved and final");
    // Segregation of duties: whoever calculated a run cannot approve it.
    if (run->calculated_by == actor.by)
      return MakeError(where, "was calculated by " + actor.by + "; a second person must approve it");
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("UPDATE pay_runs SET state = 'approved', approved_at = ?2, approved_by = ?3 "
                                         "WHERE id = ?1 AND state = 'calculated'"));
    return q.Bind(1, run_id).Bind(2, actor.at).Bind(3, actor.by).Run();
  });
  if (!s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(run, FindRun(run_id));
  return *run;
}

}  // namespace csu::payroll
