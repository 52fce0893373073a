#include "procurement/procurement_store.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/hex.h"
#include "store/sha256.h"
#include "store/sql.h"
#include "store/sql_schema.h"
#include "store/sqlite_db.h"

namespace csu::procurement {
namespace {

constexpr int kSchemaVersion = 1;

const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE plan_lines(
  ccg TEXT NOT NULL, ref TEXT NOT NULL, title TEXT NOT NULL, value_pence INTEGER NOT NULL,
  regime TEXT NOT NULL, process TEXT NOT NULL, reasons TEXT NOT NULL, key_criteria TEXT NOT NULL,
  start_date TEXT NOT NULL, award_by TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  PRIMARY KEY(ccg, ref));
CREATE TABLE tenders(
  id TEXT PRIMARY KEY, ccg TEXT NOT NULL, plan_ref TEXT NOT NULL, title TEXT NOT NULL,
  bid_deadline TEXT NOT NULL, status TEXT NOT NULL, criteria_json TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  FOREIGN KEY(ccg, plan_ref) REFERENCES plan_lines(ccg, ref));
CREATE TABLE lots(tender TEXT NOT NULL REFERENCES tenders(id), lot TEXT NOT NULL, title TEXT NOT NULL,
  value_pence INTEGER NOT NULL, PRIMARY KEY(tender, lot));
CREATE TABLE documents(tender TEXT NOT NULL REFERENCES tenders(id), name TEXT NOT NULL, version INTEGER NOT NULL,
  sha256 TEXT NOT NULL, content BLOB NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL,
  PRIMARY KEY(tender, name, version));
CREATE TABLE interests(tender TEXT NOT NULL REFERENCES tenders(id), person TEXT NOT NULL, interest TEXT NOT NULL,
  conflict INTEGER NOT NULL, management TEXT NOT NULL, declared_at TEXT NOT NULL, PRIMARY KEY(tender, person));
CREATE TABLE bids(tender TEXT NOT NULL REFERENCES tenders(id), bid TEXT NOT NULL, bidder TEXT NOT NULL,
  provider TEXT NOT NULL, price_pence INTEGER NOT NULL, PRIMARY KEY(tender, bid));
CREATE TABLE assignments(tender TEXT NOT NULL, evaluator TEXT NOT NULL, bid TEXT NOT NULL,
  PRIMARY KEY(tender, evaluator, bid), FOREIGN KEY(tender, bid) REFERENCES bids(tender, bid));
CREATE TABLE scores(tender TEXT NOT NULL, bid TEXT NOT NULL, criterion TEXT NOT NULL, evaluator TEXT NOT NULL,
  score INTEGER NOT NULL, comment TEXT NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY(tender, bid, criterion, evaluator),
  FOREIGN KEY(tender, evaluator, bid) REFERENCES assignments(tender, evaluator, bid));
CREATE TABLE moderations(tender TEXT NOT NULL, bid TEXT NOT NULL, criterion TEXT NOT NULL, agreed INTEGER NOT NULL,
  reason TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL, PRIMARY KEY(tender, bid, criterion),
  FOREIGN KEY(tender, bid) REFERENCES bids(tender, bid));
CREATE TABLE exclusions(tender TEXT NOT NULL, bid TEXT NOT NULL, ground TEXT NOT NULL, at TEXT NOT NULL,
  by TEXT NOT NULL, PRIMARY KEY(tender, bid), FOREIGN KEY(tender, bid) REFERENCES bids(tender, bid));
CREATE TABLE awards(tender TEXT PRIMARY KEY REFERENCES tenders(id), bid TEXT NOT NULL, provider TEXT NOT NULL,
  value_pence INTEGER NOT NULL, regime TEXT NOT NULL, notice TEXT NOT NULL, standstill_last_day TEXT NOT NULL,
  contract_from TEXT NOT NULL, decision TEXT NOT NULL, decided_at TEXT NOT NULL, decided_by TEXT NOT NULL,
  contract_signed TEXT);
CREATE TABLE representations(tender TEXT NOT NULL REFERENCES tenders(id), seq INTEGER NOT NULL,
  from_party TEXT NOT NULL, received TEXT NOT NULL, summary TEXT NOT NULL, outcome TEXT NOT NULL,
  outcome_at TEXT NOT NULL, PRIMARY KEY(tender, seq));
CREATE TABLE releases(release_id TEXT PRIMARY KEY, ocid TEXT NOT NULL, tag TEXT NOT NULL,
  published_at TEXT NOT NULL, json TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE INDEX releases_by_ocid ON releases(ocid, published_at);
CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
  BEGIN SELECT RAISE(ABORT, 'published releases are immutable'); END;
CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
  BEGIN SELECT RAISE(ABORT, 'published releases are immutable'); END;
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
  BEGIN SELECT RAISE(ABORT, 'document versions are immutable'); END;
)sql";

// Added after schema version 1 was first released: created on open when
// missing, so a version-1 file gains it without a migration (a csu that does
// not know the table ignores it).
const char* kClarificationsSchema = R"sql(
CREATE TABLE IF NOT EXISTS clarifications(tender TEXT NOT NULL REFERENCES tenders(id), seq INTEGER NOT NULL,
  asked_by TEXT NOT NULL, received TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
  answered TEXT NOT NULL, answered_by TEXT NOT NULL, published INTEGER NOT NULL, PRIMARY KEY(tender, seq));
)sql";

// The same tables in PostgreSQL (docs/store-format.md §14a). Every module
// shares the connection's schema, so each table is named with the prefix
// `procurement_` (the commissioning database has its own plan_lines, billing
// its own documents); the statements below name tables as `@plan_lines`,
// which Prep() spells for the engine. Otherwise: BIGINT for every integer,
// BYTEA for document content (sent and read as hex), COLLATE "C" on the text
// that is sorted on (byte order, as SQLite compares), "by" quoted (a reserved
// word in PostgreSQL), an identity column `seq` on releases that gives their
// order of publication as SQLite's rowid does, and the immutability triggers
// in PL/pgSQL, which also refuse TRUNCATE.
const char* kPostgresSchema = R"sql(
CREATE TABLE procurement_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE procurement_plan_lines(
  ccg TEXT COLLATE "C" NOT NULL, ref TEXT COLLATE "C" NOT NULL, title TEXT NOT NULL, value_pence BIGINT NOT NULL,
  regime TEXT NOT NULL, process TEXT NOT NULL, reasons TEXT NOT NULL, key_criteria TEXT NOT NULL,
  start_date TEXT COLLATE "C" NOT NULL, award_by TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  PRIMARY KEY(ccg, ref));
CREATE TABLE procurement_tenders(
  id TEXT COLLATE "C" PRIMARY KEY, ccg TEXT COLLATE "C" NOT NULL, plan_ref TEXT COLLATE "C" NOT NULL,
  title TEXT NOT NULL, bid_deadline TEXT NOT NULL, status TEXT NOT NULL, criteria_json TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  FOREIGN KEY(ccg, plan_ref) REFERENCES procurement_plan_lines(ccg, ref));
CREATE TABLE procurement_lots(tender TEXT COLLATE "C" NOT NULL REFERENCES procurement_tenders(id),
  lot TEXT COLLATE "C" NOT NULL, title TEXT NOT NULL, value_pence BIGINT NOT NULL, PRIMARY KEY(tender, lot));
CREATE TABLE procurement_documents(tender TEXT COLLATE "C" NOT NULL REFERENCES procurement_tenders(id),
  name TEXT COLLATE "C" NOT NULL, version BIGINT NOT NULL, sha256 TEXT NOT NULL, content BYTEA NOT NULL,
  added_at TEXT NOT NULL, added_by TEXT NOT NULL, PRIMARY KEY(tender, name, version));
CREATE TABLE procurement_interests(tender TEXT COLLATE "C" NOT NULL REFERENCES procurement_tenders(id),
  person TEXT COLLATE "C" NOT NULL, interest TEXT NOT NULL, conflict BIGINT NOT NULL, management TEXT NOT NULL,
  declared_at TEXT NOT NULL, PRIMARY KEY(tender, person));
CREATE TABLE procurement_bids(tender TEXT COLLATE "C" NOT NULL REFERENCES procurement_tenders(id),
  bid TEXT COLLATE "C" NOT NULL, bidder TEXT NOT NULL, provider TEXT NOT NULL, price_pence BIGINT NOT NULL,
  PRIMARY KEY(tender, bid));
CREATE TABLE procurement_assignments(tender TEXT COLLATE "C" NOT NULL, evaluator TEXT COLLATE "C" NOT NULL,
  bid TEXT COLLATE "C" NOT NULL, PRIMARY KEY(tender, evaluator, bid),
  FOREIGN KEY(tender, bid) REFERENCES procurement_bids(tender, bid));
CREATE TABLE procurement_scores(tender TEXT COLLATE "C" NOT NULL, bid TEXT COLLATE "C" NOT NULL,
  criterion TEXT COLLATE "C" NOT NULL, evaluator TEXT COLLATE "C" NOT NULL, score BIGINT NOT NULL,
  comment TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY(tender, bid, criterion, evaluator),
  FOREIGN KEY(tender, evaluator, bid) REFERENCES procurement_assignments(tender, evaluator, bid));
CREATE TABLE procurement_moderations(tender TEXT COLLATE "C" NOT NULL, bid TEXT COLLATE "C" NOT NULL,
  criterion TEXT COLLATE "C" NOT NULL, agreed BIGINT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL,
  "by" TEXT NOT NULL, PRIMARY KEY(tender, bid, criterion),
  FOREIGN KEY(tender, bid) REFERENCES procurement_bids(tender, bid));
CREATE TABLE procurement_exclusions(tender TEXT COLLATE "C" NOT NULL, bid TEXT COLLATE "C" NOT NULL,
  ground TEXT NOT NULL, at TEXT NOT NULL, "by" TEXT NOT NULL, PRIMARY KEY(tender, bid),
  FOREIGN KEY(tender, bid) REFERENCES procurement_bids(tender, bid));
CREATE TABLE procurement_awards(tender TEXT COLLATE "C" PRIMARY KEY REFERENCES procurement_tenders(id),
  bid TEXT NOT NULL, provider TEXT NOT NULL, value_pence BIGINT NOT NULL, regime TEXT NOT NULL, notice TEXT NOT NULL,
  standstill_last_day TEXT NOT NULL, contract_from TEXT NOT NULL, decision TEXT NOT NULL, decided_at TEXT NOT NULL,
  decided_by TEXT NOT NULL, contract_signed TEXT);
CREATE TABLE procurement_representations(tender TEXT COLLATE "C" NOT NULL REFERENCES procurement_tenders(id),
  seq BIGINT NOT NULL, from_party TEXT NOT NULL, received TEXT NOT NULL, summary TEXT NOT NULL, outcome TEXT NOT NULL,
  outcome_at TEXT NOT NULL, PRIMARY KEY(tender, seq));
CREATE TABLE procurement_clarifications(tender TEXT COLLATE "C" NOT NULL REFERENCES procurement_tenders(id),
  seq BIGINT NOT NULL, asked_by TEXT NOT NULL, received TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
  answered TEXT NOT NULL, answered_by TEXT NOT NULL, published BIGINT NOT NULL, PRIMARY KEY(tender, seq));
CREATE TABLE procurement_releases(release_id TEXT COLLATE "C" PRIMARY KEY, ocid TEXT COLLATE "C" NOT NULL,
  tag TEXT NOT NULL, published_at TEXT COLLATE "C" NOT NULL, json TEXT NOT NULL, sha256 TEXT NOT NULL,
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE);
CREATE INDEX procurement_releases_by_ocid ON procurement_releases(ocid, published_at, seq);
CREATE FUNCTION procurement_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;
CREATE TRIGGER releases_no_change BEFORE UPDATE OR DELETE ON procurement_releases FOR EACH ROW
  EXECUTE FUNCTION procurement_refuse_change('published releases are immutable');
CREATE TRIGGER releases_no_truncate BEFORE TRUNCATE ON procurement_releases FOR EACH STATEMENT
  EXECUTE FUNCTION procurement_refuse_change('published releases are immutable');
CREATE TRIGGER documents_no_update BEFORE UPDATE ON procurement_documents FOR EACH ROW
  EXECUTE FUNCTION procurement_refuse_change('document versions are immutable');
)sql";

// How the few statements that differ between the engines are spelled.
struct Dialect {
  const char* table_prefix;
  const char* content_bytes;  // a document's length in bytes
  const char* content_out;    // its content, as read (PostgreSQL: hex)
  const char* content_in;     // its content from parameter 5 (PostgreSQL: from hex)
  const char* release_order;  // the order of publication among releases of one date
};
constexpr Dialect kSqliteDialect{"", "length(CAST(content AS BLOB))", "content", "?5", "rowid"};
constexpr Dialect kPostgresDialect{"procurement_", "length(content)", "encode(content, 'hex')",
                                   "decode(?5, 'hex')", "seq"};

const Dialect& DialectOf(const store::SqlConnection& db) {
  return db.Backend() == "postgresql" ? kPostgresDialect : kSqliteDialect;
}

nlohmann::json CriteriaJson(const Criteria& c) {
  nlohmann::json j;
  j["groups"] = nlohmann::json::array();
  for (const auto& g : c.groups)
    j["groups"].push_back({{"id", g.id}, {"name", g.name}, {"kind", KindName(g.kind)}, {"weight", g.weight}});
  j["subs"] = nlohmann::json::array();
  for (const auto& s : c.subs)
    j["subs"].push_back({{"id", s.id}, {"group", s.group}, {"name", s.name}, {"weight", s.weight}});
  j["scale"] = nlohmann::json::array();
  for (const auto& l : c.scale) j["scale"].push_back({{"score", l.score}, {"descriptor", l.descriptor}});
  return j;
}

Result<Criteria> CriteriaFrom(const std::string& text, const std::string& where) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return MakeError(where, "damaged criteria");
  Criteria c;
  try {
    for (const auto& g : j.at("groups"))
      c.groups.push_back({g.at("id").get<std::string>(), g.at("name").get<std::string>(),
                          ParseKind(g.at("kind").get<std::string>()).value_or(CriterionKind::kQuality),
                          g.at("weight").get<int64_t>()});
    for (const auto& s : j.at("subs"))
      c.subs.push_back({s.at("id").get<std::string>(), s.at("group").get<std::string>(),
                        s.at("name").get<std::string>(), s.at("weight").get<int64_t>()});
    for (const auto& l : j.at("scale"))
      c.scale.push_back({l.at("score").get<int64_t>(), l.at("descriptor").get<std::string>()});
  } catch (const nlohmann::json::exception&) {
    return MakeError(where, "damaged criteria");
  }
  return c;
}

Result<Date> StoredDate(const std::string& text, const std::string& where) {
  Result<Date> d = Date::Parse(text);
  if (!d.ok()) return MakeError(where, "damaged date \"" + text + "\"");
  return d;
}

std::optional<TenderStatus> ParseStatus(std::string_view s) {
  for (auto t : {TenderStatus::kOpen, TenderStatus::kModeration, TenderStatus::kAwarded, TenderStatus::kContracted})
    if (StatusName(t) == s) return t;
  return std::nullopt;
}

const Date kPsrStart = Date::FromYmd(2024, 1, 1);
const Date kActStart = Date::FromYmd(2025, 2, 24);

}  // namespace

std::string_view ProcessName(PsrProcess p) {
  switch (p) {
    case PsrProcess::kNone: return "";
    case PsrProcess::kDirectA: return "direct_a";
    case PsrProcess::kDirectB: return "direct_b";
    case PsrProcess::kDirectC: return "direct_c";
    case PsrProcess::kMostSuitable: return "most_suitable";
    case PsrProcess::kCompetitive: return "competitive";
  }
  return "";
}

std::optional<PsrProcess> ParseProcess(std::string_view s) {
  for (auto p : {PsrProcess::kNone, PsrProcess::kDirectA, PsrProcess::kDirectB, PsrProcess::kDirectC,
                 PsrProcess::kMostSuitable, PsrProcess::kCompetitive})
    if (ProcessName(p) == s) return p;
  return std::nullopt;
}

std::string_view StatusName(TenderStatus s) {
  switch (s) {
    case TenderStatus::kOpen: return "open";
    case TenderStatus::kModeration: return "moderation";
    case TenderStatus::kAwarded: return "awarded";
    case TenderStatus::kContracted: return "contracted";
  }
  return "open";
}

Status CheckPlanLine(const PlanLine& p) {
  const std::string where = "plan line " + p.ref;
  if (p.ccg.empty()) return MakeError(where, "no CCG");
  if (p.ref.empty()) return MakeError("plan line", "no reference");
  if (p.title.empty()) return MakeError(where, "no title");
  if (p.value.pence() < 0) return MakeError(where, "the value is negative");
  if (p.award_by < p.start) return MakeError(where, "the planned award is before the start");
  switch (p.regime) {
    case Regime::kPsr:
      if (p.start < kPsrStart)
        return MakeError(where, "the Provider Selection Regime applies from 1 January 2024 (SI 2023/1348 reg. 1)");
      if (p.process == PsrProcess::kNone)
        return MakeError(where, "a PSR procurement needs its process: direct_a, direct_b, direct_c, most_suitable "
                                "or competitive");
      if (p.reasons.empty()) return MakeError(where, "a PSR procurement needs the reasons for the process chosen");
      if (p.key_criteria.empty() && p.process != PsrProcess::kDirectA && p.process != PsrProcess::kDirectB)
        return MakeError(where, "a PSR procurement by this process needs the key criteria considered (reg. 5)");
      break;
    case Regime::kProcurementAct2023:
      if (p.start < kActStart)
        return MakeError(where, "the Procurement Act 2023 applies to procurements begun from 24 February 2025");
      if (p.process != PsrProcess::kNone) return MakeError(where, "PSR processes apply only under the PSR");
      break;
    case Regime::kPcr2015:
      if (p.start >= kActStart)
        return MakeError(where, "the Public Contracts Regulations 2015 apply only to procurements begun before 24 "
                                "February 2025");
      if (p.process != PsrProcess::kNone) return MakeError(where, "PSR processes apply only under the PSR");
      break;
  }
  return Status::Ok();
}

Status CreateProcurementServerTables(store::SqlConnection& db) {
  if (db.Backend() != "postgresql")
    return MakeError(db.Name(), "the procurement server tables need a PostgreSQL database");
  return store::CreateServerSchemaIn(db, "procurement_meta", kPostgresSchema, kSchemaVersion);
}

ProcurementStore::ProcurementStore(PassKey, std::unique_ptr<store::SqlConnection> db) : db_(std::move(db)) {}
ProcurementStore::~ProcurementStore() = default;

Result<std::unique_ptr<ProcurementStore>> ProcurementStore::Open(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/procurement.sqlite", ""));
  if (Status s = store::PrepareSchema(*db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", kSchema,
                                      kSchemaVersion, "procurement database");
      !s.ok())
    return s.error();
  if (Status s = db->Exec(kClarificationsSchema); !s.ok()) return s.error();
  return std::make_unique<ProcurementStore>(PassKey(), std::make_unique<store::SqliteConnection>(std::move(db)));
}

Result<std::unique_ptr<ProcurementStore>> ProcurementStore::OpenServer(std::unique_ptr<store::SqlConnection> db) {
  if (db->Backend() != "postgresql")
    return MakeError(db->Name(), "server mode needs a PostgreSQL database; a state folder's opens with Open");
  if (Status s = store::PrepareServerSchema(*db, kProcurementWriteLock, "procurement_meta", kPostgresSchema,
                                            kSchemaVersion, "procurement database");
      !s.ok())
    return s.error();
  return std::make_unique<ProcurementStore>(PassKey(), std::move(db));
}

Result<store::SqlStatement> ProcurementStore::Prep(std::string_view sql) {
  // `@name` is a table: spelled with the engine's prefix.
  std::string text;
  text.reserve(sql.size() + 64);
  for (char c : sql) {
    if (c == '@')
      text += DialectOf(*db_).table_prefix;
    else
      text += c;
  }
  return db_->Prepare(text);
}

Result<bool> ProcurementStore::Exists(std::string_view sql, const std::vector<std::string>& args) {
  CSU_ASSIGN_OR_RETURN(q, Prep(sql));
  for (size_t i = 0; i < args.size(); ++i) q.Bind(static_cast<int>(i) + 1, args[i]);
  return q.Step();
}

// ---------------------------------------------------------------- plan

Status ProcurementStore::AddPlanLine(const PlanLine& p, const Actor& by) {
  if (Status s = CheckPlanLine(p); !s.ok()) return s;
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, Prep("SELECT 1 FROM @plan_lines WHERE ccg=? AND ref=?"));
    q.Bind(1, p.ccg).Bind(2, p.ref);
    CSU_ASSIGN_OR_RETURN(exists, q.Step());
    if (exists) return MakeError("plan line " + p.ref, "the CCG already has a plan line with this reference");
    q.Reset();
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @plan_lines VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"));
    ins.Bind(1, p.ccg).Bind(2, p.ref).Bind(3, p.title).Bind(4, p.value.pence()).Bind(5, RegimeName(p.regime));
    ins.Bind(6, ProcessName(p.process)).Bind(7, p.reasons).Bind(8, p.key_criteria).Bind(9, p.start.ToString());
    ins.Bind(10, p.award_by.ToString()).Bind(11, by.at).Bind(12, by.user);
    return ins.Run();
  });
}

Result<std::vector<PlanLine>> ProcurementStore::PlanLines(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT ref, title, value_pence, regime, process, reasons, key_criteria, start_date, award_by, created_at, "
      "created_by FROM @plan_lines WHERE ccg=? ORDER BY start_date, ref"));
  q.Bind(1, ccg);
  std::vector<PlanLine> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    PlanLine p;
    p.ccg = ccg;
    p.ref = q.Text(0);
    const std::string where = db_->Name() + ": plan line " + p.ref;
    p.title = q.Text(1);
    p.value = Money::FromPence(q.Int(2));
    auto regime = ParseRegime(q.Text(3));
    auto process = ParseProcess(q.Text(4));
    if (!regime || !process) return MakeError(where, "damaged regime or process");
    p.regime = *regime;
    p.process = *process;
    p.reasons = q.Text(5);
    p.key_criteria = q.Text(6);
    CSU_ASSIGN_OR_RETURN(start, StoredDate(q.Text(7), where));
    CSU_ASSIGN_OR_RETURN(award, StoredDate(q.Text(8), where));
    p.start = start;
    p.award_by = award;
    p.created_at = q.Text(9);
    p.created_by = q.Text(10);
    out.push_back(std::move(p));
  }
  return out;
}

Result<PlanLine> ProcurementStore::FindPlanLine(const std::string& ccg, const std::string& ref) {
  CSU_ASSIGN_OR_RETURN(all, PlanLines(ccg));
  for (auto& p : all)
    if (p.ref == ref) return p;
  return MakeError("plan line " + ref, "no such plan line for CCG " + ccg);
}

// ---------------------------------------------------------------- tenders

Status ProcurementStore::CreateTender(const Tender& t, const Actor& by) {
  const std::string where = "tender " + t.id;
  if (t.id.empty() || t.title.empty()) return MakeError("tender", "a tender needs an id and a title");
  for (char ch : t.id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'))
      return MakeError(where, "the id may hold only letters, digits, '-' and '_'");
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(plan, Prep("SELECT 1 FROM @plan_lines WHERE ccg=? AND ref=?"));
    plan.Bind(1, t.ccg).Bind(2, t.plan_ref);
    CSU_ASSIGN_OR_RETURN(has_plan, plan.Step());
    if (!has_plan) return MakeError(where, "plan line " + t.plan_ref + " is not in CCG " + t.ccg + "'s plan");
    plan.Reset();
    CSU_ASSIGN_OR_RETURN(q, Prep("SELECT 1 FROM @tenders WHERE id=?"));
    q.Bind(1, t.id);
    CSU_ASSIGN_OR_RETURN(exists, q.Step());
    if (exists) return MakeError(where, "a tender with this id already exists");
    q.Reset();
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @tenders VALUES(?,?,?,?,?,'open',NULL,?,?)"));
    ins.Bind(1, t.id).Bind(2, t.ccg).Bind(3, t.plan_ref).Bind(4, t.title).Bind(5, t.bid_deadline.ToString());
    ins.Bind(6, by.at).Bind(7, by.user);
    return ins.Run();
  });
}

Result<Tender> ProcurementStore::TenderFor(const std::string& ccg, const std::string& id) {
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT plan_ref, title, bid_deadline, status, criteria_json FROM @tenders WHERE ccg=? AND id=?"));
  q.Bind(1, ccg).Bind(2, id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  // Another CCG's tender is reported exactly as a missing one.
  if (!row) return MakeError("tender " + id, "no such tender for CCG " + ccg);
  Tender t;
  t.ccg = ccg;
  t.id = id;
  t.plan_ref = q.Text(0);
  t.title = q.Text(1);
  const std::string where = db_->Name() + ": tender " + id;
  CSU_ASSIGN_OR_RETURN(deadline, StoredDate(q.Text(2), where));
  t.bid_deadline = deadline;
  auto st = ParseStatus(q.Text(3));
  if (!st) return MakeError(where, "damaged status");
  t.status = *st;
  if (!q.IsNull(4)) {
    CSU_ASSIGN_OR_RETURN(c, CriteriaFrom(q.Text(4), where));
    t.criteria = std::move(c);
  }
  return t;
}

Result<Tender> ProcurementStore::FindTender(const std::string& ccg, const std::string& id) { return TenderFor(ccg, id); }

Result<std::vector<Tender>> ProcurementStore::Tenders(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, Prep("SELECT id FROM @tenders WHERE ccg=? ORDER BY id"));
  q.Bind(1, ccg);
  std::vector<std::string> ids;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    ids.push_back(q.Text(0));
  }
  std::vector<Tender> out;
  for (const auto& id : ids) {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, id));
    out.push_back(std::move(t));
  }
  return out;
}

namespace {
Status RequireStatus(const Tender& t, TenderStatus want, const std::string& what) {
  if (t.status != want)
    return MakeError("tender " + t.id, fmt::format("{} only while the tender is {}; it is {}", what,
                                                   StatusName(want), StatusName(t.status)));
  return Status::Ok();
}
}  // namespace

Status ProcurementStore::SetCriteria(const std::string& ccg, const std::string& tender, const Criteria& c,
                                     const Actor& by) {
  if (Status s = CheckCriteria(c); !s.ok()) return s;
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kOpen, "criteria can be set"); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(scored, Exists("SELECT 1 FROM @scores WHERE tender=?", {tender}));
    if (scored) return MakeError("tender " + tender, "criteria cannot change once scores are in");
    CSU_ASSIGN_OR_RETURN(u, Prep("UPDATE @tenders SET criteria_json=? WHERE id=?"));
    u.Bind(1, CriteriaJson(c).dump()).Bind(2, tender);
    (void)by;
    return u.Run();
  });
}

Status ProcurementStore::AddLot(const std::string& ccg, const std::string& tender, const Lot& lot, const Actor& by) {
  (void)by;
  if (lot.id.empty() || lot.title.empty()) return MakeError("tender " + tender, "a lot needs an id and a title");
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kOpen, "lots can be added"); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(dup, Exists("SELECT 1 FROM @lots WHERE tender=? AND lot=?", {tender, lot.id}));
    if (dup) return MakeError("tender " + tender + ", lot " + lot.id, "the lot already exists");
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @lots VALUES(?,?,?,?)"));
    ins.Bind(1, tender).Bind(2, lot.id).Bind(3, lot.title).Bind(4, lot.value.pence());
    return ins.Run();
  });
}

Result<std::vector<Lot>> ProcurementStore::Lots(const std::string& ccg, const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep("SELECT lot, title, value_pence FROM @lots WHERE tender=? ORDER BY lot"));
  q.Bind(1, t.id);
  std::vector<Lot> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1), Money::FromPence(q.Int(2))});
  }
  return out;
}

Result<Document> ProcurementStore::AddDocument(const std::string& ccg, const std::string& tender,
                                               const std::string& name, const std::string& bytes, const Actor& by) {
  if (name.empty()) return MakeError("tender " + tender, "a document needs a name");
  Document doc;
  Status st = store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    (void)t;
    const std::string hash = store::HexOf(store::Sha256Of(bytes));
    CSU_ASSIGN_OR_RETURN(q, Prep(fmt::format(
        "SELECT version, sha256, {}, added_at, added_by FROM @documents WHERE tender=? AND name=? "
        "ORDER BY version DESC LIMIT 1", DialectOf(*db_).content_bytes)));
    q.Bind(1, tender).Bind(2, name);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    int64_t next = 1;
    if (row) {
      if (q.Text(1) == hash) {
        doc = {name, q.Int(0), hash, q.Int(2), q.Text(3), q.Text(4)};
        return Status::Ok();
      }
      next = q.Int(0) + 1;
    }
    q.Reset();
    CSU_ASSIGN_OR_RETURN(ins, Prep(fmt::format("INSERT INTO @documents VALUES(?1,?2,?3,?4,{},?6,?7)",
                                               DialectOf(*db_).content_in)));
    ins.Bind(1, tender).Bind(2, name).Bind(3, next).Bind(4, hash);
    if (db_->Backend() == "postgresql")
      ins.Bind(5, store::HexOfBytes(bytes));
    else
      ins.Bind(5, std::string_view(bytes));
    ins.Bind(6, by.at).Bind(7, by.user);
    doc = {name, next, hash, static_cast<int64_t>(bytes.size()), by.at, by.user};
    return ins.Run();
  });
  if (!st.ok()) return st.error();
  return doc;
}

Result<std::vector<Document>> ProcurementStore::Documents(const std::string& ccg, const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep(fmt::format(
      "SELECT name, version, sha256, {}, added_at, added_by FROM @documents WHERE tender=? ORDER BY name, version",
      DialectOf(*db_).content_bytes)));
  q.Bind(1, t.id);
  std::vector<Document> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Int(1), q.Text(2), q.Int(3), q.Text(4), q.Text(5)});
  }
  return out;
}

Result<std::string> ProcurementStore::DocumentBytes(const std::string& ccg, const std::string& tender,
                                                    const std::string& name, int64_t version) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep(fmt::format("SELECT {}, sha256 FROM @documents WHERE tender=? AND name=? AND version=?",
                                           DialectOf(*db_).content_out)));
  q.Bind(1, t.id).Bind(2, name).Bind(3, version);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return MakeError("document " + name, fmt::format("no version {}", version));
  std::string bytes = q.Text(0);
  if (db_->Backend() == "postgresql") {
    std::optional<std::string> raw = store::BytesOfHex(bytes);
    if (!raw) return MakeError(db_->Name() + ": document " + name, "damaged document content");
    bytes = std::move(*raw);
  }
  if (store::HexOf(store::Sha256Of(bytes)) != q.Text(1))
    return MakeError(db_->Name() + ": document " + name, "the stored content does not match its SHA-256");
  return bytes;
}

// ---------------------------------------------------------------- interests

Status ProcurementStore::DeclareInterest(const std::string& ccg, const std::string& tender, const Interest& i,
                                         const Actor& by) {
  const std::string where = "declaration by " + i.person;
  if (i.person.empty()) return MakeError("declaration", "a declaration names the person");
  if (i.interest.empty()) return MakeError(where, "state the interest, or \"none\"");
  if (i.conflict && i.management.empty())
    return MakeError(where, "a conflict of interest needs how it is managed (PSR regulation 21)");
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    (void)t;
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @interests VALUES(?,?,?,?,?,?) ON CONFLICT(tender, person) DO UPDATE SET "
        "interest=excluded.interest, conflict=excluded.conflict, management=excluded.management, "
        "declared_at=excluded.declared_at"));
    ins.Bind(1, tender).Bind(2, i.person).Bind(3, i.interest).Bind(4, int64_t{i.conflict ? 1 : 0});
    ins.Bind(5, i.management).Bind(6, by.at);
    return ins.Run();
  });
}

Result<std::vector<Interest>> ProcurementStore::Interests(const std::string& ccg, const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT person, interest, conflict, management, declared_at FROM @interests WHERE tender=? ORDER BY person"));
  q.Bind(1, t.id);
  std::vector<Interest> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1), q.Int(2) != 0, q.Text(3), q.Text(4)});
  }
  return out;
}

// ---------------------------------------------------------------- bids

Status ProcurementStore::AddBid(const std::string& ccg, const std::string& tender, const StoredBid& b,
                                const Actor& by) {
  (void)by;
  const std::string where = "bid " + b.bid.id;
  if (b.bid.id.empty() || b.bid.bidder.empty()) return MakeError("bid", "a bid needs an id and a bidder");
  if (b.bid.price.pence() <= 0) return MakeError(where, "the price must be positive");
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kOpen, "bids can be added"); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(dup, Exists("SELECT 1 FROM @bids WHERE tender=? AND bid=?", {tender, b.bid.id}));
    if (dup) return MakeError(where, "the bid already exists");
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @bids VALUES(?,?,?,?,?)"));
    ins.Bind(1, tender).Bind(2, b.bid.id).Bind(3, b.bid.bidder).Bind(4, b.provider).Bind(5, b.bid.price.pence());
    return ins.Run();
  });
}

namespace {
Result<std::vector<StoredBid>> ReadBids(store::SqlStatement& q) {
  std::vector<StoredBid> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    StoredBid b;
    b.bid = {q.Text(0), q.Text(1), Money::FromPence(q.Int(3))};
    b.provider = q.Text(2);
    out.push_back(std::move(b));
  }
  return out;
}
}  // namespace

Result<std::vector<StoredBid>> ProcurementStore::Bids(const std::string& ccg, const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep("SELECT bid, bidder, provider, price_pence FROM @bids WHERE tender=? ORDER BY bid"));
  q.Bind(1, t.id);
  return ReadBids(q);
}

Status ProcurementStore::AssignEvaluator(const std::string& ccg, const std::string& tender,
                                         const std::string& evaluator, const std::string& bid, const Actor& by) {
  (void)by;
  const std::string where = "evaluator " + evaluator + ", bid " + bid;
  if (evaluator.empty()) return MakeError("assignment", "no evaluator named");
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kOpen, "evaluators can be assigned"); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(has_bid, Exists("SELECT 1 FROM @bids WHERE tender=? AND bid=?", {tender, bid}));
    if (!has_bid) return MakeError(where, "there is no such bid");
    CSU_ASSIGN_OR_RETURN(declared, Exists("SELECT 1 FROM @interests WHERE tender=? AND person=?", {tender, evaluator}));
    if (!declared)
      return MakeError(where, "the evaluator has not declared their interests for this procurement");
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @assignments VALUES(?,?,?) ON CONFLICT DO NOTHING"));
    ins.Bind(1, tender).Bind(2, evaluator).Bind(3, bid);
    return ins.Run();
  });
}

Result<std::vector<StoredBid>> ProcurementStore::AssignedBids(const std::string& ccg, const std::string& tender,
                                                              const std::string& evaluator) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT b.bid, b.bidder, b.provider, b.price_pence FROM @bids b JOIN @assignments a "
      "ON a.tender=b.tender AND a.bid=b.bid WHERE b.tender=? AND a.evaluator=? ORDER BY b.bid"));
  q.Bind(1, t.id).Bind(2, evaluator);
  return ReadBids(q);
}

Result<std::vector<std::string>> ProcurementStore::TendersEvaluatedBy(const std::string& ccg,
                                                                      const std::string& evaluator) {
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT DISTINCT t.id FROM @tenders t JOIN @assignments a ON a.tender=t.id WHERE t.ccg=? AND a.evaluator=? "
      "ORDER BY t.id"));
  q.Bind(1, ccg).Bind(2, evaluator);
  std::vector<std::string> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(q.Text(0));
  }
  return out;
}

Status ProcurementStore::SubmitScores(const std::string& ccg, const std::string& tender, const std::string& evaluator,
                                      const std::vector<EvaluatorScore>& scores, const Actor& by) {
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kOpen, "scores can be given"); !s.ok()) return s;
    if (!t.criteria) return MakeError("tender " + tender, "the tender has no criteria yet");
    const Criteria& c = *t.criteria;
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @scores VALUES(?,?,?,?,?,?,?) ON CONFLICT(tender, bid, criterion, evaluator) DO UPDATE SET "
        "score=excluded.score, comment=excluded.comment, at=excluded.at"));
    for (const auto& s : scores) {
      const std::string where = "bid " + s.bid + ", criterion " + s.criterion;
      if (s.evaluator != evaluator) return MakeError(where, "a score can only be given by its own evaluator");
      CSU_ASSIGN_OR_RETURN(assigned, Exists("SELECT 1 FROM @assignments WHERE tender=? AND evaluator=? AND bid=?",
                                            {tender, evaluator, s.bid}));
      if (!assigned) return MakeError(where, "the bid is not assigned to evaluator " + evaluator);
      if (c.Sub(s.criterion) == nullptr) return MakeError(where, "there is no such sub-criterion");
      if (s.score < 0 || s.score > c.ScaleMax())
        return MakeError(where, fmt::format("score {} is outside the scale 0 to {}", s.score, c.ScaleMax()));
      ins.Bind(1, tender).Bind(2, s.bid).Bind(3, s.criterion).Bind(4, evaluator).Bind(5, s.score);
      ins.Bind(6, s.comment).Bind(7, by.at);
      if (Status st = ins.Run(); !st.ok()) return st;
      ins.Reset();
    }
    return Status::Ok();
  });
}

namespace {
Result<std::vector<EvaluatorScore>> ReadScores(store::SqlStatement& q) {
  std::vector<EvaluatorScore> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Int(3), q.Text(4)});
  }
  return out;
}
}  // namespace

Result<std::vector<EvaluatorScore>> ProcurementStore::OwnScores(const std::string& ccg, const std::string& tender,
                                                                const std::string& evaluator) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT bid, criterion, evaluator, score, comment FROM @scores WHERE tender=? AND evaluator=? "
      "ORDER BY bid, criterion"));
  q.Bind(1, t.id).Bind(2, evaluator);
  return ReadScores(q);
}

Status ProcurementStore::OpenModeration(const std::string& ccg, const std::string& tender, const Actor& by) {
  (void)by;
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kOpen, "moderation can be opened"); !s.ok()) return s;
    if (!t.criteria) return MakeError("tender " + tender, "the tender has no criteria");
    CSU_ASSIGN_OR_RETURN(q, Prep("SELECT evaluator, bid FROM @assignments WHERE tender=? ORDER BY evaluator, bid"));
    q.Bind(1, tender);
    std::vector<std::pair<std::string, std::string>> assigned;
    for (;;) {
      CSU_ASSIGN_OR_RETURN(row, q.Step());
      if (!row) break;
      assigned.emplace_back(q.Text(0), q.Text(1));
    }
    if (assigned.empty()) return MakeError("tender " + tender, "no evaluator is assigned");
    CSU_ASSIGN_OR_RETURN(has, Prep(
        "SELECT 1 FROM @scores WHERE tender=? AND evaluator=? AND bid=? AND criterion=?"));
    for (const auto& [e, b] : assigned)
      for (const auto& sub : t.criteria->subs) {
        has.Bind(1, tender).Bind(2, e).Bind(3, b).Bind(4, sub.id);
        CSU_ASSIGN_OR_RETURN(row, has.Step());
        has.Reset();
        if (!row)
          return MakeError("tender " + tender,
                           "evaluator " + e + " has not scored bid " + b + " on criterion " + sub.id);
      }
    CSU_ASSIGN_OR_RETURN(u, Prep("UPDATE @tenders SET status='moderation' WHERE id=?"));
    u.Bind(1, tender);
    return u.Run();
  });
}

Result<std::vector<EvaluatorScore>> ProcurementStore::AllScores(const std::string& ccg, const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  if (t.status == TenderStatus::kOpen)
    return MakeError("tender " + tender, "scores are sealed until moderation opens: each evaluator sees only their own");
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT bid, criterion, evaluator, score, comment FROM @scores WHERE tender=? ORDER BY bid, criterion, evaluator"));
  q.Bind(1, t.id);
  return ReadScores(q);
}

Status ProcurementStore::Moderate(const std::string& ccg, const std::string& tender, const Moderation& m,
                                  const Actor& by) {
  const std::string where = "moderation of bid " + m.bid + ", criterion " + m.criterion;
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kModeration, "scores can be moderated"); !s.ok()) return s;
    if (t.criteria->Sub(m.criterion) == nullptr) return MakeError(where, "there is no such sub-criterion");
    if (m.agreed < 0 || m.agreed > t.criteria->ScaleMax())
      return MakeError(where, fmt::format("score {} is outside the scale 0 to {}", m.agreed, t.criteria->ScaleMax()));
    CSU_ASSIGN_OR_RETURN(has_bid, Exists("SELECT 1 FROM @bids WHERE tender=? AND bid=?", {tender, m.bid}));
    if (!has_bid) return MakeError(where, "there is no such bid");
    CSU_ASSIGN_OR_RETURN(moved, Exists("SELECT 1 FROM @scores WHERE tender=? AND bid=? AND criterion=? AND score<>CAST(? AS BIGINT)",
                                       {tender, m.bid, m.criterion, std::to_string(m.agreed)}));
    if (moved && m.reason.empty())
      return MakeError(where, "the moderated score differs from an evaluator's and needs a reason");
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @moderations VALUES(?,?,?,?,?,?,?) ON CONFLICT(tender, bid, criterion) DO UPDATE SET "
        "agreed=excluded.agreed, reason=excluded.reason, at=excluded.at, \"by\"=excluded.\"by\""));
    ins.Bind(1, tender).Bind(2, m.bid).Bind(3, m.criterion).Bind(4, m.agreed).Bind(5, m.reason).Bind(6, by.at);
    ins.Bind(7, by.user);
    return ins.Run();
  });
}

Status ProcurementStore::Exclude(const std::string& ccg, const std::string& tender, const Exclusion& x,
                                 const Actor& by) {
  const std::string where = "exclusion of bid " + x.bid;
  if (x.ground.empty()) return MakeError(where, "an exclusion needs its ground");
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (t.status != TenderStatus::kOpen && t.status != TenderStatus::kModeration)
      return MakeError("tender " + tender, "bids can be excluded only before the award");
    CSU_ASSIGN_OR_RETURN(has_bid, Exists("SELECT 1 FROM @bids WHERE tender=? AND bid=?", {tender, x.bid}));
    if (!has_bid) return MakeError(where, "there is no such bid");
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @exclusions VALUES(?,?,?,?,?) ON CONFLICT(tender, bid) DO UPDATE SET "
        "ground=excluded.ground, at=excluded.at, \"by\"=excluded.\"by\""));
    ins.Bind(1, tender).Bind(2, x.bid).Bind(3, x.ground).Bind(4, by.at).Bind(5, by.user);
    return ins.Run();
  });
}

Result<EvaluationInput> ProcurementStore::EvaluationInputOf(const std::string& ccg, const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  if (!t.criteria) return MakeError("tender " + tender, "the tender has no criteria");
  EvaluationInput in;
  in.criteria = *t.criteria;
  CSU_ASSIGN_OR_RETURN(bids, Bids(ccg, tender));
  for (auto& b : bids) in.bids.push_back(b.bid);
  CSU_ASSIGN_OR_RETURN(scores, AllScores(ccg, tender));
  in.scores = std::move(scores);
  CSU_ASSIGN_OR_RETURN(m, Prep("SELECT bid, criterion, agreed, reason FROM @moderations WHERE tender=? ORDER BY bid, criterion"));
  m.Bind(1, tender);
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, m.Step());
    if (!row) break;
    in.moderations.push_back({m.Text(0), m.Text(1), m.Int(2), m.Text(3)});
  }
  CSU_ASSIGN_OR_RETURN(x, Prep("SELECT bid, ground FROM @exclusions WHERE tender=? ORDER BY bid"));
  x.Bind(1, tender);
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, x.Step());
    if (!row) break;
    in.exclusions.push_back({x.Text(0), x.Text(1)});
  }
  return in;
}

// ---------------------------------------------------------------- award

Status ProcurementStore::RecordAward(const std::string& ccg, const std::string& tender, const Award& a) {
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kModeration, "an award can be recorded"); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @awards VALUES(?,?,?,?,?,?,?,?,?,?,?,NULL)"));
    ins.Bind(1, tender).Bind(2, a.bid).Bind(3, a.provider).Bind(4, a.value.pence()).Bind(5, RegimeName(a.regime));
    ins.Bind(6, a.notice.ToString()).Bind(7, a.standstill_last_day.ToString()).Bind(8, a.contract_from.ToString());
    ins.Bind(9, a.decision).Bind(10, a.decided_at).Bind(11, a.decided_by);
    if (Status s = ins.Run(); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(u, Prep("UPDATE @tenders SET status='awarded' WHERE id=?"));
    u.Bind(1, tender);
    return u.Run();
  });
}

Result<std::optional<Award>> ProcurementStore::AwardOf(const std::string& ccg, const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT bid, provider, value_pence, regime, notice, standstill_last_day, contract_from, decision, decided_at, "
      "decided_by FROM @awards WHERE tender=?"));
  q.Bind(1, t.id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<Award>();
  const std::string where = db_->Name() + ": award of " + tender;
  Award a;
  a.bid = q.Text(0);
  a.provider = q.Text(1);
  a.value = Money::FromPence(q.Int(2));
  auto regime = ParseRegime(q.Text(3));
  if (!regime) return MakeError(where, "damaged regime");
  a.regime = *regime;
  CSU_ASSIGN_OR_RETURN(n, StoredDate(q.Text(4), where));
  CSU_ASSIGN_OR_RETURN(l, StoredDate(q.Text(5), where));
  CSU_ASSIGN_OR_RETURN(f, StoredDate(q.Text(6), where));
  a.notice = n;
  a.standstill_last_day = l;
  a.contract_from = f;
  a.decision = q.Text(7);
  a.decided_at = q.Text(8);
  a.decided_by = q.Text(9);
  return std::optional<Award>(a);
}

Result<int64_t> ProcurementStore::AddRepresentation(const std::string& ccg, const std::string& tender,
                                                    const Representation& r, const Actor& by) {
  (void)by;
  if (r.from.empty() || r.summary.empty())
    return MakeError("representation", "a representation needs who made it and what it says");
  int64_t seq = 0;
  Status st = store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(a, AwardOf(ccg, tender));
    if (!a) return MakeError("tender " + tender, "there is no award decision to make representations about");
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kAwarded, "representations can be received"); !s.ok()) return s;
    if (r.received < a->notice || r.received > a->standstill_last_day)
      return MakeError("representation from " + r.from,
                       "received " + r.received.ToString() + ", outside the standstill period " +
                           a->notice.ToString() + " to " + a->standstill_last_day.ToString());
    CSU_ASSIGN_OR_RETURN(q, Prep("SELECT coalesce(max(seq),0)+1 FROM @representations WHERE tender=?"));
    q.Bind(1, tender);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    (void)row;
    seq = q.Int(0);
    q.Reset();
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @representations VALUES(?,?,?,?,?,'','')"));
    ins.Bind(1, tender).Bind(2, seq).Bind(3, r.from).Bind(4, r.received.ToString()).Bind(5, r.summary);
    return ins.Run();
  });
  if (!st.ok()) return st.error();
  return seq;
}

Status ProcurementStore::DecideRepresentation(const std::string& ccg, const std::string& tender, int64_t seq,
                                              const std::string& outcome, const Actor& by) {
  const std::string where = fmt::format("representation {}", seq);
  if (outcome.empty()) return MakeError(where, "the outcome must be stated");
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    (void)t;
    CSU_ASSIGN_OR_RETURN(q, Prep("SELECT outcome FROM @representations WHERE tender=? AND seq=?"));
    q.Bind(1, tender).Bind(2, seq);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return MakeError(where, "there is no such representation");
    if (!q.Text(0).empty()) return MakeError(where, "its outcome is already recorded");
    q.Reset();
    CSU_ASSIGN_OR_RETURN(u, Prep("UPDATE @representations SET outcome=?, outcome_at=? WHERE tender=? AND seq=?"));
    u.Bind(1, outcome).Bind(2, by.at).Bind(3, tender).Bind(4, seq);
    return u.Run();
  });
}

Result<std::vector<Representation>> ProcurementStore::Representations(const std::string& ccg,
                                                                      const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT seq, from_party, received, summary, outcome, outcome_at FROM @representations WHERE tender=? ORDER BY seq"));
  q.Bind(1, t.id);
  std::vector<Representation> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Representation r;
    r.seq = q.Int(0);
    r.from = q.Text(1);
    CSU_ASSIGN_OR_RETURN(d, StoredDate(q.Text(2), db_->Name() + ": representation"));
    r.received = d;
    r.summary = q.Text(3);
    r.outcome = q.Text(4);
    r.outcome_at = q.Text(5);
    out.push_back(std::move(r));
  }
  return out;
}

Status ProcurementStore::MarkContracted(const std::string& ccg, const std::string& tender, Date signed_on,
                                        const Actor& by) {
  (void)by;
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kAwarded, "the contract can be awarded"); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(a, AwardOf(ccg, tender));
    if (signed_on < a->contract_from)
      return MakeError("tender " + tender, "the standstill period runs until " + a->standstill_last_day.ToString() +
                                               "; the contract may be entered into from " + a->contract_from.ToString());
    CSU_ASSIGN_OR_RETURN(open, Exists("SELECT 1 FROM @representations WHERE tender=? AND outcome=''", {tender}));
    if (open) return MakeError("tender " + tender, "a representation is still awaiting its outcome");
    CSU_ASSIGN_OR_RETURN(u, Prep("UPDATE @awards SET contract_signed=? WHERE tender=?"));
    u.Bind(1, signed_on.ToString()).Bind(2, tender);
    if (Status s = u.Run(); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(u2, Prep("UPDATE @tenders SET status='contracted' WHERE id=?"));
    u2.Bind(1, tender);
    return u2.Run();
  });
}

Result<std::optional<Date>> ProcurementStore::ContractSigned(const std::string& ccg, const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep("SELECT contract_signed FROM @awards WHERE tender=?"));
  q.Bind(1, t.id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row || q.IsNull(0)) return std::optional<Date>();
  CSU_ASSIGN_OR_RETURN(d, StoredDate(q.Text(0), db_->Name()));
  return std::optional<Date>(d);
}

// ---------------------------------------------------------------- clarifications

Result<int64_t> ProcurementStore::AddClarification(const std::string& ccg, const std::string& tender,
                                                   const Clarification& c, const Actor& by) {
  (void)by;
  if (c.asked_by.empty() || c.question.empty())
    return MakeError("clarification", "a question needs who asked it and its text");
  int64_t seq = 0;
  Status st = store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    if (Status s = RequireStatus(t, TenderStatus::kOpen, "clarification questions can be received"); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(q, Prep("SELECT coalesce(max(seq),0)+1 FROM @clarifications WHERE tender=?"));
    q.Bind(1, tender);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    (void)row;
    seq = q.Int(0);
    q.Reset();
    CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @clarifications VALUES(?,?,?,?,?,'','','',0)"));
    ins.Bind(1, tender).Bind(2, seq).Bind(3, c.asked_by).Bind(4, c.received.ToString()).Bind(5, c.question);
    return ins.Run();
  });
  if (!st.ok()) return st.error();
  return seq;
}

Status ProcurementStore::AnswerClarification(const std::string& ccg, const std::string& tender, int64_t seq,
                                             const std::string& answer, Date answered, bool publish,
                                             const Actor& by) {
  const std::string where = fmt::format("clarification {} of tender {}", seq, tender);
  if (answer.empty()) return MakeError(where, "the answer must be stated");
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
    (void)t;
    CSU_ASSIGN_OR_RETURN(q, Prep(
        "SELECT received, answer, answered, answered_by FROM @clarifications WHERE tender=? AND seq=?"));
    q.Bind(1, tender).Bind(2, seq);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return MakeError(where, "there is no such question");
    if (!q.Text(1).empty())
      return MakeError(where, "already answered on " + q.Text(2) + " by " + q.Text(3) + "; an answer is not replaced");
    CSU_ASSIGN_OR_RETURN(received, StoredDate(q.Text(0), db_->Name() + ": " + where));
    q.Reset();
    if (answered < received)
      return MakeError(where, "answered " + answered.ToString() + ", before the question was received on " +
                                  received.ToString());
    CSU_ASSIGN_OR_RETURN(u, Prep(
        "UPDATE @clarifications SET answer=?, answered=?, answered_by=?, published=? WHERE tender=? AND seq=?"));
    u.Bind(1, answer).Bind(2, answered.ToString()).Bind(3, by.user).Bind(4, int64_t{publish ? 1 : 0});
    u.Bind(5, tender).Bind(6, seq);
    return u.Run();
  });
}

Result<std::vector<Clarification>> ProcurementStore::Clarifications(const std::string& ccg,
                                                                    const std::string& tender) {
  CSU_ASSIGN_OR_RETURN(t, TenderFor(ccg, tender));
  CSU_ASSIGN_OR_RETURN(q, Prep(
      "SELECT seq, asked_by, received, question, answer, answered, answered_by, published FROM @clarifications "
      "WHERE tender=? ORDER BY seq"));
  q.Bind(1, t.id);
  const std::string where = db_->Name() + ": clarification";
  std::vector<Clarification> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Clarification c;
    c.seq = q.Int(0);
    c.asked_by = q.Text(1);
    CSU_ASSIGN_OR_RETURN(r, StoredDate(q.Text(2), where));
    c.received = r;
    c.question = q.Text(3);
    c.answer = q.Text(4);
    if (!c.answer.empty()) {
      CSU_ASSIGN_OR_RETURN(a, StoredDate(q.Text(5), where));
      c.answered = a;
    }
    c.answered_by = q.Text(6);
    c.published = q.Int(7) != 0;
    out.push_back(std::move(c));
  }
  return out;
}

// ---------------------------------------------------------------- releases

Status ProcurementStore::InsertRelease(const Release& r) {
  CSU_ASSIGN_OR_RETURN(dup, Exists("SELECT 1 FROM @releases WHERE release_id=?", {r.release_id}));
  if (dup) return MakeError("release " + r.release_id, "already published; a published release never changes");
  CSU_ASSIGN_OR_RETURN(ins, Prep("INSERT INTO @releases(release_id, ocid, tag, published_at, json, sha256) "
                                 "VALUES(?,?,?,?,?,?)"));
  ins.Bind(1, r.release_id).Bind(2, r.ocid).Bind(3, r.tag).Bind(4, r.published_at).Bind(5, r.json);
  ins.Bind(6, store::HexOf(store::Sha256Of(r.json)));
  return ins.Run();
}

Status ProcurementStore::Publish(const Release& r) {
  return store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status { return InsertRelease(r); });
}

Result<Release> ProcurementStore::PublishNext(const std::string& ocid, const std::string& stage,
                                              const std::function<Result<Release>(int64_t seq)>& build) {
  Release out;
  Status st = store::InWriteTransaction(*db_, kProcurementWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, Prep("SELECT count(*) FROM @releases WHERE ocid=? AND tag=?"));
    q.Bind(1, ocid).Bind(2, stage);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    (void)row;
    const int64_t seq = q.Int(0) + 1;
    q.Reset();
    CSU_ASSIGN_OR_RETURN(r, build(seq));
    const std::string where = "release " + r.release_id;
    if (r.ocid != ocid || r.tag != stage)
      return MakeError(where, "built for " + r.ocid + " " + r.tag + ", not " + ocid + " " + stage);
    CSU_ASSIGN_OR_RETURN(last, Prep("SELECT max(published_at) FROM @releases WHERE ocid=?"));
    last.Bind(1, ocid);
    CSU_ASSIGN_OR_RETURN(has_last, last.Step());
    if (has_last && !last.IsNull(0) && r.published_at < last.Text(0))
      return MakeError(where, "dated " + r.published_at + ", before " + ocid + "'s latest release (" + last.Text(0) +
                                  "): releases are published in order; check this machine's clock");
    last.Reset();
    if (Status s = InsertRelease(r); !s.ok()) return s;
    out = r;
    out.sha256 = store::HexOf(store::Sha256Of(r.json));
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::vector<Release>> ProcurementStore::Releases(const std::string& ocid) {
  CSU_ASSIGN_OR_RETURN(q, Prep(
      fmt::format("SELECT ocid, release_id, tag, published_at, json, sha256 FROM @releases WHERE ocid=? "
                  "ORDER BY published_at, {}", DialectOf(*db_).release_order)));
  q.Bind(1, ocid);
  std::vector<Release> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5)});
  }
  return out;
}

}  // namespace csu::procurement
