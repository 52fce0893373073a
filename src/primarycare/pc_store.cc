#include "primarycare/pc_store.h"

#include "core/text.h"
#include "store/sqlite_db.h"

namespace csu::primarycare {
namespace {

constexpr int kSchemaVersion = 1;

// docs/store-format.md §17 holds this schema with a comment per column.
const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE practices(
  code TEXT PRIMARY KEY, ccg TEXT NOT NULL, name TEXT NOT NULL, postcode TEXT NOT NULL,
  reference_list INTEGER NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL);
CREATE INDEX practices_by_ccg ON practices(ccg, code);
CREATE TABLE contracts(
  id INTEGER PRIMARY KEY,
  practice TEXT NOT NULL REFERENCES practices(code),
  type TEXT NOT NULL CHECK(type IN ('GMS','PMS','APMS')),
  start TEXT NOT NULL, end TEXT, reference TEXT NOT NULL,
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX contracts_by_practice ON contracts(practice, start);
CREATE TABLE list_sizes(
  practice TEXT NOT NULL REFERENCES practices(code), quarter TEXT NOT NULL,
  registered INTEGER NOT NULL CHECK(registered >= 0),
  weighted_millionths INTEGER NOT NULL CHECK(weighted_millionths >= 0),
  source TEXT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL,
  PRIMARY KEY(practice, quarter));
CREATE TABLE qof_years(
  practice TEXT NOT NULL REFERENCES practices(code), year TEXT NOT NULL,
  achievement_pence INTEGER, points_hundredths INTEGER,
  aspiration_annual_pence INTEGER, aspiration_monthly_pence INTEGER,
  aspiration_explanation TEXT NOT NULL, achievement_explanation TEXT NOT NULL,
  source TEXT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL,
  PRIMARY KEY(practice, year));
CREATE TABLE qof_indicators(
  practice TEXT NOT NULL, year TEXT NOT NULL, indicator TEXT NOT NULL,
  achievement_hundredths INTEGER, points_hundredths INTEGER NOT NULL, points_available INTEGER NOT NULL,
  payment_pence INTEGER NOT NULL,
  PRIMARY KEY(practice, year, indicator));
CREATE TABLE adjustments(
  id INTEGER PRIMARY KEY,
  practice TEXT NOT NULL REFERENCES practices(code), month TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('other_payment','deduction')),
  description TEXT NOT NULL, amount_pence INTEGER NOT NULL, reason TEXT NOT NULL,
  source TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX adjustments_by_month ON adjustments(month, practice);
CREATE TABLE schedule_postings(
  ccg TEXT NOT NULL, month TEXT NOT NULL, journal INTEGER NOT NULL, total_pence INTEGER NOT NULL,
  lines INTEGER NOT NULL, posted_at TEXT NOT NULL, posted_by TEXT NOT NULL,
  PRIMARY KEY(ccg, month));
CREATE TABLE schedule_lines(
  ccg TEXT NOT NULL, month TEXT NOT NULL, line_no INTEGER NOT NULL, practice TEXT NOT NULL,
  kind TEXT NOT NULL, description TEXT NOT NULL, amount_pence INTEGER NOT NULL, explanation TEXT NOT NULL,
  PRIMARY KEY(ccg, month, line_no));
CREATE TRIGGER schedule_postings_kept BEFORE DELETE ON schedule_postings
  BEGIN SELECT RAISE(ABORT, 'a posted schedule is kept: reverse its journal in the ledger instead'); END;
CREATE TRIGGER schedule_postings_immutable BEFORE UPDATE ON schedule_postings
  BEGIN SELECT RAISE(ABORT, 'a posted schedule is immutable'); END;
CREATE TRIGGER schedule_lines_immutable BEFORE UPDATE ON schedule_lines
  BEGIN SELECT RAISE(ABORT, 'a posted schedule is immutable'); END;
CREATE TRIGGER schedule_lines_kept BEFORE DELETE ON schedule_lines
  BEGIN SELECT RAISE(ABORT, 'a posted schedule is kept'); END;
)sql";

Result<Date> ReadDate(const std::string& text, const std::string& where) {
  auto d = Date::Parse(text);
  if (!d.ok()) return MakeError(where, "stored date '" + text + "' is not YYYY-MM-DD");
  return d.value();
}

Result<Contract> ContractFrom(const store::Statement& q, const std::string& path) {
  Contract c;
  c.id = q.Int(0);
  c.practice = q.Text(1);
  auto t = ParseContractType(q.Text(2));
  if (!t) return MakeError(path, "contract " + std::to_string(c.id) + " has an unknown type");
  c.type = *t;
  CSU_ASSIGN_OR_RETURN(start, ReadDate(q.Text(3), path));
  c.start = start;
  if (!q.IsNull(4)) {
    CSU_ASSIGN_OR_RETURN(end, ReadDate(q.Text(4), path));
    c.end = end;
  }
  c.reference = q.Text(5);
  c.recorded_at = q.Text(6);
  c.recorded_by = q.Text(7);
  return c;
}

const char* kContractColumns = "id, practice, type, start, end, reference, recorded_at, recorded_by";

}  // namespace

std::string_view ContractTypeName(ContractType t) {
  switch (t) {
    case ContractType::kGms: return "GMS";
    case ContractType::kPms: return "PMS";
    case ContractType::kApms: return "APMS";
  }
  return "GMS";
}

std::optional<ContractType> ParseContractType(std::string_view s) {
  for (ContractType t : {ContractType::kGms, ContractType::kPms, ContractType::kApms})
    if (ContractTypeName(t) == s) return t;
  return std::nullopt;
}

std::string_view LineKindName(LineKind k) {
  switch (k) {
    case LineKind::kGlobalSum: return "global_sum";
    case LineKind::kQofAspiration: return "qof_aspiration";
    case LineKind::kQofBalancing: return "qof_balancing";
    case LineKind::kEnhancedService: return "enhanced_service";
    case LineKind::kOtherPayment: return "other_payment";
    case LineKind::kDeduction: return "deduction";
  }
  return "global_sum";
}

PcStore::PcStore(PassKey, std::unique_ptr<store::SqliteDb> db) : db_(std::move(db)) {}
PcStore::~PcStore() = default;

Result<std::unique_ptr<PcStore>> PcStore::Open(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/primary-care.sqlite", ""));
  if (Status s = store::PrepareSchema(*db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", kSchema, kSchemaVersion,
                                      "primary care database");
      !s.ok())
    return s.error();
  return std::make_unique<PcStore>(PassKey{}, std::move(db));
}

// ------------------------------------------------------------------ practices

Result<int64_t> PcStore::AddPractices(const std::vector<PracticeRow>& rows, const Actor& actor) {
  int64_t added = 0;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
        "INSERT OR IGNORE INTO practices(code, ccg, name, postcode, reference_list, added_at, added_by) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    CSU_ASSIGN_OR_RETURN(changes, db_->Prepare("SELECT changes()"));
    for (const PracticeRow& p : rows) {
      if (p.code.empty() || p.ccg.empty()) return MakeError("practice '" + p.code + "'", "needs a code and a CCG");
      ins.Reset();
      ins.Bind(1, ToUpper(p.code)).Bind(2, ToUpper(p.ccg)).Bind(3, p.name).Bind(4, p.postcode);
      ins.Bind(5, p.reference_list).Bind(6, actor.at).Bind(7, actor.by);
      if (Status r = ins.Run(); !r.ok()) return r;
      changes.Reset();
      CSU_ASSIGN_OR_RETURN(row, changes.Step());
      if (row) added += changes.Int(0);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return added;
}

namespace {
PracticeRow PracticeFrom(const store::Statement& q) {
  return PracticeRow{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4)};
}
}  // namespace

Result<std::optional<PracticeRow>> PcStore::FindPractice(const std::string& code) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT code, ccg, name, postcode, reference_list FROM practices WHERE code=?1"));
  q.Bind(1, ToUpper(code));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<PracticeRow>();
  return std::optional<PracticeRow>(PracticeFrom(q));
}

Result<std::vector<PracticeRow>> PcStore::Practices(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT code, ccg, name, postcode, reference_list FROM practices "
                                       "WHERE ?1 = '' OR ccg = ?1 ORDER BY code"));
  q.Bind(1, ToUpper(ccg));
  return store::AllRows<PracticeRow>(q, [&] { return PracticeFrom(q); });
}

Result<std::vector<std::string>> PcStore::Ccgs() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT DISTINCT ccg FROM practices ORDER BY ccg"));
  return store::AllRows<std::string>(q, [&] { return q.Text(0); });
}

// ------------------------------------------------------------------ contracts

Result<int64_t> PcStore::AddContract(const Contract& c0, const Actor& actor) {
  Contract c = c0;
  c.practice = ToUpper(c.practice);
  const std::string where = "practice " + c.practice;
  if (c.end && *c.end < c.start) return MakeError(where, "the contract ends before it starts");
  if (c.reference.find_first_of("\r\n\t") != std::string::npos)
    return MakeError(where, "the contract reference must be one line");
  int64_t id = 0;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(p, FindPractice(c.practice));
    if (!p) return MakeError(where, "no such practice here (add the CCG's practices first)");
    CSU_ASSIGN_OR_RETURN(existing, Contracts("", c.practice));
    const Date far = Date::FromYmd(9999, 12, 31);
    for (const Contract& o : existing) {
      const Date o_end = o.end.value_or(far), c_end = c.end.value_or(far);
      if (o.start <= c_end && c.start <= o_end)
        return MakeError(where, "overlaps its " + std::string(ContractTypeName(o.type)) + " contract from " +
                                    o.start.ToString() + (o.end ? " to " + o.end->ToString() : " (open-ended)") +
                                    ": a practice holds one contract at a time");
    }
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
        "INSERT INTO contracts(practice, type, start, end, reference, recorded_at, recorded_by) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    ins.Bind(1, c.practice).Bind(2, ContractTypeName(c.type)).Bind(3, c.start.ToString());
    if (c.end) ins.Bind(4, c.end->ToString());
    else ins.BindNull(4);
    ins.Bind(5, c.reference).Bind(6, actor.at).Bind(7, actor.by);
    if (Status r = ins.Run(); !r.ok()) return r;
    CSU_ASSIGN_OR_RETURN(last, db_->Prepare("SELECT last_insert_rowid()"));
    CSU_ASSIGN_OR_RETURN(row, last.Step());
    if (row) id = last.Int(0);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return id;
}

Status PcStore::EndContract(int64_t id, Date end, const Actor& actor) {
  (void)actor;  // the state folder's audit log records who ended it
  return store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kContractColumns + " FROM contracts WHERE id=?1"));
    q.Bind(1, id);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    const std::string where = "contract " + std::to_string(id);
    if (!row) return MakeError(where, "no such contract");
    CSU_ASSIGN_OR_RETURN(c, ContractFrom(q, db_->path()));
    if (c.end) return MakeError(where, "already ends on " + c.end->ToString());
    if (end < c.start) return MakeError(where, "cannot end before it starts (" + c.start.ToString() + ")");
    CSU_ASSIGN_OR_RETURN(later, db_->Prepare("SELECT 1 FROM contracts WHERE practice=?1 AND id<>?2 AND start<=?3 "
                                             "AND start>?4"));
    later.Bind(1, c.practice).Bind(2, id).Bind(3, end.ToString()).Bind(4, c.start.ToString());
    CSU_ASSIGN_OR_RETURN(overlap, later.Step());
    if (overlap) return MakeError(where, "another contract of the practice starts before that end");
    CSU_ASSIGN_OR_RETURN(up, db_->Prepare("UPDATE contracts SET end=?1 WHERE id=?2"));
    return up.Bind(1, end.ToString()).Bind(2, id).Run();
  });
}

Result<std::vector<Contract>> PcStore::Contracts(const std::string& ccg, const std::string& practice) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT c.id, c.practice, c.type, c.start, c.end, c.reference, "
                                                   "c.recorded_at, c.recorded_by FROM contracts c JOIN practices p ON "
                                                   "p.code = c.practice WHERE (?1 = '' OR p.ccg = ?1) AND "
                                                   "(?2 = '' OR c.practice = ?2) ORDER BY c.practice, c.start")));
  q.Bind(1, ToUpper(ccg)).Bind(2, ToUpper(practice));
  return store::AllRows<Contract>(q, [&] { return ContractFrom(q, db_->path()); });
}

Result<std::optional<Contract>> PcStore::ContractOn(const std::string& practice, Date day) {
  CSU_ASSIGN_OR_RETURN(all, Contracts("", practice));
  for (const Contract& c : all)
    if (c.start <= day && (!c.end || day <= *c.end)) return std::optional<Contract>(c);
  return std::optional<Contract>();
}

// ------------------------------------------------------------------ list sizes

Result<PcStore::ListLoad> PcStore::LoadListSizes(const std::vector<ListSize>& rows, const std::vector<int64_t>& lines,
                                                 const std::string& source, const Actor& actor) {
  ListLoad out;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(known, db_->Prepare("SELECT 1 FROM practices WHERE code=?1"));
    CSU_ASSIGN_OR_RETURN(had, db_->Prepare("SELECT 1 FROM list_sizes WHERE practice=?1 AND quarter=?2"));
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
        "INSERT OR REPLACE INTO list_sizes(practice, quarter, registered, weighted_millionths, source, loaded_at, "
        "loaded_by) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    for (size_t i = 0; i < rows.size(); ++i) {
      const ListSize& r = rows[i];
      const std::string where = source + ":" + std::to_string(i < lines.size() ? lines[i] : int64_t(i + 2));
      known.Reset();
      known.Bind(1, r.practice);
      CSU_ASSIGN_OR_RETURN(is_known, known.Step());
      if (!is_known)
        return MakeError(where + ": practice_code", "practice " + r.practice + " is not here (add its CCG's practices first)");
      had.Reset();
      had.Bind(1, r.practice).Bind(2, r.quarter.ToString());
      CSU_ASSIGN_OR_RETURN(was, had.Step());
      (was ? out.replaced : out.added) += 1;
      ins.Reset();
      ins.Bind(1, r.practice).Bind(2, r.quarter.ToString()).Bind(3, r.registered).Bind(4, r.weighted_millionths);
      ins.Bind(5, source).Bind(6, actor.at).Bind(7, actor.by);
      if (Status st = ins.Run(); !st.ok()) return st;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

namespace {
Result<ListSize> ListFrom(const store::Statement& q, const std::string& path) {
  ListSize l;
  l.practice = q.Text(0);
  CSU_ASSIGN_OR_RETURN(d, ReadDate(q.Text(1), path));
  l.quarter = d;
  l.registered = q.Int(2);
  l.weighted_millionths = q.Int(3);
  l.source = q.Text(4);
  return l;
}
}  // namespace

Result<std::optional<ListSize>> PcStore::ListSizeFor(const std::string& practice, Date day) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT practice, quarter, registered, weighted_millionths, source FROM "
                                       "list_sizes WHERE practice=?1 AND quarter=?2"));
  q.Bind(1, ToUpper(practice)).Bind(2, QuarterStart(day).ToString());
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<ListSize>();
  CSU_ASSIGN_OR_RETURN(l, ListFrom(q, db_->path()));
  return std::optional<ListSize>(l);
}

Result<std::vector<ListSize>> PcStore::ListSizes(const std::string& practice) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT practice, quarter, registered, weighted_millionths, source FROM "
                                       "list_sizes WHERE practice=?1 ORDER BY quarter"));
  q.Bind(1, ToUpper(practice));
  return store::AllRows<ListSize>(q, [&] { return ListFrom(q, db_->path()); });
}

// ------------------------------------------------------------------ QOF

namespace {
void BindOpt(store::Statement& q, int i, const std::optional<int64_t>& v) {
  if (v) q.Bind(i, *v);
  else q.BindNull(i);
}
std::optional<int64_t> Opt(const store::Statement& q, int col) {
  if (q.IsNull(col)) return std::nullopt;
  return q.Int(col);
}
const char* kQofColumns =
    "practice, year, achievement_pence, points_hundredths, aspiration_annual_pence, aspiration_monthly_pence, "
    "aspiration_explanation, achievement_explanation, source";
QofYear QofFrom(const store::Statement& q) {
  QofYear y;
  y.practice = q.Text(0);
  y.year = q.Text(1);
  y.achievement_pence = Opt(q, 2);
  y.points_hundredths = Opt(q, 3);
  y.aspiration_annual_pence = Opt(q, 4);
  y.aspiration_monthly_pence = Opt(q, 5);
  y.aspiration_explanation = q.Text(6);
  y.achievement_explanation = q.Text(7);
  y.source = q.Text(8);
  return y;
}
}  // namespace

Status PcStore::StoreQof(const std::vector<QofYear>& years, const std::vector<QofIndicatorRow>& indicators,
                         const Actor& actor) {
  return store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(known, db_->Prepare("SELECT 1 FROM practices WHERE code=?1"));
    CSU_ASSIGN_OR_RETURN(del_y, db_->Prepare("DELETE FROM qof_years WHERE practice=?1 AND year=?2"));
    CSU_ASSIGN_OR_RETURN(del_i, db_->Prepare("DELETE FROM qof_indicators WHERE practice=?1 AND year=?2"));
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(std::string("INSERT INTO qof_years(") + kQofColumns +
                                           ", loaded_at, loaded_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"));
    for (const QofYear& y : years) {
      const std::string where = "practice " + y.practice + " " + y.year;
      known.Reset();
      known.Bind(1, y.practice);
      CSU_ASSIGN_OR_RETURN(is_known, known.Step());
      if (!is_known) return MakeError(where, "the practice is not here (add its CCG's practices first)");
      CSU_ASSIGN_OR_RETURN(paid, BalancingPosted(y.practice, y.year));
      if (paid) return MakeError(where, "the year's QOF balancing payment was already posted; its figures are final");
      del_y.Reset();
      if (Status r = del_y.Bind(1, y.practice).Bind(2, y.year).Run(); !r.ok()) return r;
      del_i.Reset();
      if (Status r = del_i.Bind(1, y.practice).Bind(2, y.year).Run(); !r.ok()) return r;
      ins.Reset();
      ins.Bind(1, y.practice).Bind(2, y.year);
      BindOpt(ins, 3, y.achievement_pence);
      BindOpt(ins, 4, y.points_hundredths);
      BindOpt(ins, 5, y.aspiration_annual_pence);
      BindOpt(ins, 6, y.aspiration_monthly_pence);
      ins.Bind(7, y.aspiration_explanation).Bind(8, y.achievement_explanation).Bind(9, y.source);
      ins.Bind(10, actor.at).Bind(11, actor.by);
      if (Status r = ins.Run(); !r.ok()) return r;
    }
    CSU_ASSIGN_OR_RETURN(ind, db_->Prepare(
        "INSERT INTO qof_indicators(practice, year, indicator, achievement_hundredths, points_hundredths, "
        "points_available, payment_pence) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    for (const QofIndicatorRow& i : indicators) {
      ind.Reset();
      ind.Bind(1, i.practice).Bind(2, i.year).Bind(3, i.indicator);
      BindOpt(ind, 4, i.achievement_hundredths);
      ind.Bind(5, i.points_hundredths).Bind(6, i.points_available).Bind(7, i.payment_pence);
      if (Status r = ind.Run(); !r.ok()) return r;
    }
    return Status::Ok();
  });
}

Result<std::optional<QofYear>> PcStore::FindQofYear(const std::string& practice, const std::string& year) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kQofColumns +
                                       " FROM qof_years WHERE practice=?1 AND year=?2"));
  q.Bind(1, ToUpper(practice)).Bind(2, year);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<QofYear>();
  return std::optional<QofYear>(QofFrom(q));
}

Result<std::vector<QofYear>> PcStore::QofYears(const std::string& ccg, const std::string& year) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT q.") +
                                       "practice, q.year, q.achievement_pence, q.points_hundredths, "
                                       "q.aspiration_annual_pence, q.aspiration_monthly_pence, q.aspiration_explanation, "
                                       "q.achievement_explanation, q.source FROM qof_years q JOIN practices p ON "
                                       "p.code = q.practice WHERE (?1 = '' OR p.ccg = ?1) AND q.year = ?2 "
                                       "ORDER BY q.practice"));
  q.Bind(1, ToUpper(ccg)).Bind(2, year);
  return store::AllRows<QofYear>(q, [&] { return QofFrom(q); });
}

Result<std::vector<Date>> PcStore::ListQuarters(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT DISTINCT l.quarter FROM list_sizes l JOIN practices p ON "
                                       "p.code = l.practice WHERE (?1 = '' OR p.ccg = ?1) ORDER BY l.quarter"));
  q.Bind(1, ToUpper(ccg));
  return store::AllRows<Date>(q, [&] { return Date::Parse(q.Text(0)); });
}

Result<std::vector<std::string>> PcStore::QofYearsStored(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT DISTINCT q.year FROM qof_years q JOIN practices p ON p.code = q.practice "
                                       "WHERE (?1 = '' OR p.ccg = ?1) ORDER BY q.year DESC"));
  q.Bind(1, ToUpper(ccg));
  return store::AllRows<std::string>(q, [&] { return q.Text(0); });
}

Result<std::vector<QofIndicatorRow>> PcStore::QofIndicators(const std::string& ccg, const std::string& year) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT i.practice, i.year, i.indicator, i.achievement_hundredths, i.points_hundredths, i.points_available, "
      "i.payment_pence FROM qof_indicators i JOIN practices p ON p.code = i.practice "
      "WHERE (?1 = '' OR p.ccg = ?1) AND i.year = ?2 ORDER BY i.practice, i.indicator"));
  q.Bind(1, ToUpper(ccg)).Bind(2, year);
  return store::AllRows<QofIndicatorRow>(q, [&] {
    return QofIndicatorRow{q.Text(0), q.Text(1), q.Text(2), Opt(q, 3), q.Int(4), q.Int(5), q.Int(6)};
  });
}

std::string BalancingDescription(const std::string& year) { return "QOF balancing payment " + year; }

Result<bool> PcStore::BalancingPosted(const std::string& practice, const std::string& year) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT 1 FROM schedule_lines WHERE practice=?1 AND kind='qof_balancing' "
                                       "AND description=?2 LIMIT 1"));
  q.Bind(1, ToUpper(practice)).Bind(2, BalancingDescription(year));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return row;
}

// ------------------------------------------------------------------ adjustments

Result<int64_t> PcStore::AddAdjustments(const std::vector<Adjustment>& rows, const std::vector<int64_t>& lines,
                                        const std::string& source, const Actor& actor) {
  int64_t added = 0;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
        "INSERT INTO adjustments(practice, month, kind, description, amount_pence, reason, source, recorded_at, "
        "recorded_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"));
    for (size_t i = 0; i < rows.size(); ++i) {
      const Adjustment& a = rows[i];
      const std::string where = source + ":" + std::to_string(i < lines.size() ? lines[i] : int64_t(i + 2));
      if (a.kind != LineKind::kOtherPayment && a.kind != LineKind::kDeduction)
        return MakeError(where + ": kind", "an adjustment is an other payment or a deduction");
      CSU_ASSIGN_OR_RETURN(p, FindPractice(a.practice));
      if (!p) return MakeError(where + ": practice_code", "practice " + a.practice + " is not here (add its CCG's practices first)");
      CSU_ASSIGN_OR_RETURN(posted, FindPosting(p->ccg, a.month));
      if (posted)
        return MakeError(where + ": month", p->ccg + "'s schedule for " + a.month.ToString() +
                                                " is already posted; put the adjustment in a later month");
      ins.Reset();
      ins.Bind(1, a.practice).Bind(2, a.month.ToString()).Bind(3, LineKindName(a.kind)).Bind(4, a.description);
      ins.Bind(5, a.amount_pence).Bind(6, a.reason).Bind(7, source).Bind(8, actor.at).Bind(9, actor.by);
      if (Status r = ins.Run(); !r.ok()) return r;
      ++added;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return added;
}

Result<std::vector<Adjustment>> PcStore::Adjustments(const std::string& ccg, ledger::LedgerPeriod month) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT a.id, a.practice, a.kind, a.description, a.amount_pence, a.reason, a.source FROM adjustments a "
      "JOIN practices p ON p.code = a.practice WHERE (?1 = '' OR p.ccg = ?1) AND a.month = ?2 ORDER BY a.practice, a.id"));
  q.Bind(1, ToUpper(ccg)).Bind(2, month.ToString());
  std::vector<Adjustment> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Adjustment a;
    a.id = q.Int(0);
    a.practice = q.Text(1);
    a.month = month;
    a.kind = q.Text(2) == "deduction" ? LineKind::kDeduction : LineKind::kOtherPayment;
    a.description = q.Text(3);
    a.amount_pence = q.Int(4);
    a.reason = q.Text(5);
    a.source = q.Text(6);
    out.push_back(std::move(a));
  }
  return out;
}

// ------------------------------------------------------------------ postings

namespace {
Result<ledger::LedgerPeriod> ReadMonth(const std::string& text, const std::string& path) {
  auto m = ledger::LedgerPeriod::Parse(text);
  if (!m.ok()) return MakeError(path, "stored month '" + text + "' is not YYYY-MM");
  return m.value();
}
std::optional<LineKind> ParseLineKind(std::string_view s) {
  for (LineKind k : {LineKind::kGlobalSum, LineKind::kQofAspiration, LineKind::kQofBalancing,
                     LineKind::kEnhancedService, LineKind::kOtherPayment, LineKind::kDeduction})
    if (LineKindName(k) == s) return k;
  return std::nullopt;
}
}  // namespace

Result<std::optional<PostedSchedule>> PcStore::FindPosting(const std::string& ccg, ledger::LedgerPeriod month) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT ccg, month, journal, total_pence, lines, posted_at, posted_by FROM "
                                       "schedule_postings WHERE ccg=?1 AND month=?2"));
  q.Bind(1, ToUpper(ccg)).Bind(2, month.ToString());
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<PostedSchedule>();
  return std::optional<PostedSchedule>(
      PostedSchedule{q.Text(0), month, q.Int(2), q.Int(3), q.Int(4), q.Text(5), q.Text(6)});
}

Result<std::vector<PostedSchedule>> PcStore::Postings(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT ccg, month, journal, total_pence, lines, posted_at, posted_by FROM "
                                       "schedule_postings WHERE ?1 = '' OR ccg=?1 ORDER BY month, ccg"));
  q.Bind(1, ToUpper(ccg));
  std::vector<PostedSchedule> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    CSU_ASSIGN_OR_RETURN(m, ReadMonth(q.Text(1), db_->path()));
    out.push_back({q.Text(0), m, q.Int(2), q.Int(3), q.Int(4), q.Text(5), q.Text(6)});
  }
  return out;
}

Status PcStore::RecordPosting(const PostedSchedule& p, const std::vector<ScheduleLine>& lines) {
  return store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(had, FindPosting(p.ccg, p.month));
    if (had)
      return MakeError(p.ccg + " " + p.month.ToString(), "the payment schedule was already posted (journal " +
                                                             std::to_string(had->journal) + "); it posts once");
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO schedule_postings(ccg, month, journal, total_pence, lines, "
                                           "posted_at, posted_by) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    ins.Bind(1, ToUpper(p.ccg)).Bind(2, p.month.ToString()).Bind(3, p.journal).Bind(4, p.total_pence);
    ins.Bind(5, int64_t(lines.size())).Bind(6, p.posted_at).Bind(7, p.posted_by);
    if (Status r = ins.Run(); !r.ok()) return r;
    CSU_ASSIGN_OR_RETURN(line, db_->Prepare("INSERT INTO schedule_lines(ccg, month, line_no, practice, kind, "
                                            "description, amount_pence, explanation) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
    for (size_t i = 0; i < lines.size(); ++i) {
      const ScheduleLine& l = lines[i];
      line.Reset();
      line.Bind(1, ToUpper(p.ccg)).Bind(2, p.month.ToString()).Bind(3, int64_t(i + 1)).Bind(4, l.practice);
      line.Bind(5, LineKindName(l.kind)).Bind(6, l.description).Bind(7, l.amount_pence).Bind(8, l.explanation);
      if (Status r = line.Run(); !r.ok()) return r;
    }
    return Status::Ok();
  });
}

namespace {
Result<std::vector<ScheduleLine>> LinesFrom(store::Statement& q, const std::string& path) {
  std::vector<ScheduleLine> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    ScheduleLine l;
    l.practice = q.Text(0);
    CSU_ASSIGN_OR_RETURN(m, ReadMonth(q.Text(1), path));
    l.month = m;
    auto k = ParseLineKind(q.Text(2));
    if (!k) return MakeError(path, "stored schedule line has an unknown kind '" + q.Text(2) + "'");
    l.kind = *k;
    l.description = q.Text(3);
    l.amount_pence = q.Int(4);
    l.explanation = q.Text(5);
    out.push_back(std::move(l));
  }
  return out;
}
}  // namespace

Result<std::vector<ScheduleLine>> PcStore::PostedLines(const std::string& ccg, ledger::LedgerPeriod month) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT practice, month, kind, description, amount_pence, explanation FROM "
                                       "schedule_lines WHERE ccg=?1 AND month=?2 ORDER BY line_no"));
  q.Bind(1, ToUpper(ccg)).Bind(2, month.ToString());
  return LinesFrom(q, db_->path());
}

Result<std::vector<ScheduleLine>> PcStore::PracticeHistory(const std::string& practice) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT practice, month, kind, description, amount_pence, explanation FROM "
                                       "schedule_lines WHERE practice=?1 ORDER BY month, line_no"));
  q.Bind(1, ToUpper(practice));
  return LinesFrom(q, db_->path());
}

Result<PcStore::PostedSum> PcStore::SumPosted(const std::string& practice, LineKind kind,
                                              const std::string& description) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT coalesce(sum(amount_pence), 0), count(*) FROM schedule_lines "
                                       "WHERE practice=?1 AND kind=?2 AND description=?3"));
  q.Bind(1, ToUpper(practice)).Bind(2, LineKindName(kind)).Bind(3, description);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return PostedSum{};
  return PostedSum{q.Int(0), q.Int(1)};
}

}  // namespace csu::primarycare
