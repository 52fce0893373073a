// Absence per day and the workforce views over payroll.sqlite: establishment
// against staff in post with vacancies, and the NHS sickness absence rate per
// month (docs/payroll.md, "Establishment" and "Sickness absence").
#include <algorithm>
#include <map>
#include <set>

#include "payroll/payroll_store.h"
#include "payroll/payroll_store_impl.h"
#include "store/sql.h"

namespace csu::payroll {
namespace {

constexpr AbsenceKind kKinds[] = {AbsenceKind::kSickness, AbsenceKind::kAnnualLeave, AbsenceKind::kMaternity,
                                  AbsenceKind::kPaternity, AbsenceKind::kSpecial,     AbsenceKind::kUnpaid,
                                  AbsenceKind::kOther};

bool Current(const Assignment& a, Date day) { return a.start <= day && (!a.end || *a.end >= day); }

}  // namespace

std::string_view AbsenceKindName(AbsenceKind k) {
  switch (k) {
    case AbsenceKind::kSickness: return "sickness";
    case AbsenceKind::kAnnualLeave: return "annual_leave";
    case AbsenceKind::kMaternity: return "maternity";
    case AbsenceKind::kPaternity: return "paternity";
    case AbsenceKind::kSpecial: return "special";
    case AbsenceKind::kUnpaid: return "unpaid";
    case AbsenceKind::kOther: return "other";
  }
  return "other";
}

Result<AbsenceKind> ParseAbsenceKind(std::string_view text) {
  for (AbsenceKind k : kKinds)
    if (text == AbsenceKindName(k)) return k;
  return MakeError("kind", "is not sickness, annual_leave, maternity, paternity, special, unpaid or other");
}

Result<int64_t> PayrollStore::RecordAbsence(int64_t employee_id, Date from, Date to, AbsenceKind kind,
                                            const std::string& reason, const Actor& actor) {
  if (to < from) return MakeError("absence", "ends before it starts");
  if (to - from > 366) return MakeError("absence", "is longer than a year; record it in parts");
  int64_t days = 0;
  Status s = store::InWriteTransaction(*db_, kPayrollWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(e, FindEmployee(employee_id));
    if (!e) return MakeError("employee " + std::to_string(employee_id), "no such employee");
    if (from < e->start || (e->leaving && to > *e->leaving))
      return MakeError("absence", "falls outside the employee's employment");
    CSU_ASSIGN_OR_RETURN(dup, db_->Prepare("SELECT day FROM absences WHERE employee_id = ?1 AND day BETWEEN ?2 AND ?3 "
                                           "ORDER BY day LIMIT 1"));
    dup.Bind(1, employee_id).Bind(2, from.ToString()).Bind(3, to.ToString());
    CSU_ASSIGN_OR_RETURN(clash, dup.Step());
    if (clash) return MakeError("absence", dup.Text(0) + " is already recorded for this employee");
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO absences(employee_id, day, kind, reason, recorded_at, "
                                         "recorded_by) VALUES (?1,?2,?3,?4,?5,?6)"));
    for (Date d = from; d <= to; d = d.AddDays(1)) {
      q.Reset();
      q.Bind(1, employee_id).Bind(2, d.ToString()).Bind(3, AbsenceKindName(kind)).Bind(4, reason).Bind(5, actor.at)
          .Bind(6, actor.by);
      if (Status st = q.Run(); !st.ok()) return st;
      ++days;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return days;
}

Result<std::vector<PayrollStore::AbsenceDay>> PayrollStore::Absences(const std::string& employer, Date from, Date to) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT a.employee_id, a.day, a.kind FROM absences a JOIN employees e ON e.id = "
                                       "a.employee_id WHERE e.employer = ?1 AND a.day BETWEEN ?2 AND ?3 ORDER BY "
                                       "a.day, a.employee_id"));
  q.Bind(1, employer).Bind(2, from.ToString()).Bind(3, to.ToString());
  std::vector<AbsenceDay> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    auto kind = ParseAbsenceKind(q.Text(2));
    out.push_back({q.Int(0), OptDate(q, 1).value_or(Date()), kind.ok() ? kind.value() : AbsenceKind::kOther});
  }
  return out;
}

Result<std::vector<EstablishmentRow>> PayrollStore::Establishment(const std::string& employer, Date on) {
  CSU_ASSIGN_OR_RETURN(posts, Posts(employer));
  CSU_ASSIGN_OR_RETURN(assignments, Assignments(employer, 0));
  std::map<std::string, std::pair<int64_t, std::set<int64_t>>> in_post;  // post code -> FTE, people
  for (const Assignment& a : assignments) {
    if (!Current(a, on)) continue;
    auto& slot = in_post[a.post_code];
    slot.first += a.fte_x100;
    slot.second.insert(a.employee_id);
  }
  std::vector<EstablishmentRow> out;
  for (const Post& p : posts) {
    EstablishmentRow r{p.code, p.cost_centre, p.title, p.band, p.budgeted_wte_x100, 0, 0, 0};
    if (auto it = in_post.find(p.code); it != in_post.end()) {
      r.in_post_wte_x100 = it->second.first;
      r.staff = static_cast<int64_t>(it->second.second.size());
    }
    r.vacancy_wte_x100 = std::max<int64_t>(0, r.budgeted_wte_x100 - r.in_post_wte_x100);
    out.push_back(std::move(r));
  }
  return out;
}

// NHS Digital's NHS Sickness Absence Rates: rate = FTE days lost to sickness
// ÷ FTE days available, both over calendar days (weekends included), each
// day weighted by the FTE the person was contracted for that day.
Result<std::vector<SicknessMonth>> PayrollStore::SicknessByMonth(const std::string& employer, Date from, Date to) {
  if (to < from) return MakeError("sickness absence", "the period ends before it starts");
  CSU_ASSIGN_OR_RETURN(assignments, Assignments(employer, 0));
  CSU_ASSIGN_OR_RETURN(absences, Absences(employer, from, to));
  std::map<int64_t, std::vector<const Assignment*>> by_employee;
  for (const Assignment& a : assignments) by_employee[a.employee_id].push_back(&a);
  std::vector<SicknessMonth> out;
  for (Date m = Date::FromYmd(from.year(), from.month(), 1); m <= to;) {
    const Date first = std::max(m, from);
    const Date month_end = Date::FromYmd(m.year(), m.month(), Date::DaysInMonth(m.year(), m.month()));
    const Date last = std::min(month_end, to);
    SicknessMonth s;
    s.year = m.year();
    s.month = m.month();
    for (const Assignment& a : assignments) {
      const Date lo = std::max(first, a.start);
      const Date hi = a.end ? std::min(last, *a.end) : last;
      if (hi < lo) continue;
      s.fte_days_available_x100 += static_cast<int64_t>(hi - lo + 1) * a.fte_x100;
    }
    for (const AbsenceDay& d : absences) {
      if (d.kind != AbsenceKind::kSickness || d.day < first || d.day > last) continue;
      for (const Assignment* a : by_employee[d.employee_id])
        if (Current(*a, d.day)) s.fte_days_lost_x100 += a->fte_x100;
    }
    s.rate_bp = s.fte_days_available_x100 == 0
                    ? 0
                    : DivRoundHalfAway(static_cast<Int128>(s.fte_days_lost_x100) * 10000, s.fte_days_available_x100);
    out.push_back(s);
    m = month_end.AddDays(1);
  }
  return out;
}

}  // namespace csu::payroll
