#include "chc/chc_store.h"

#include "chc/caseload_file.h"
#include "chc/chc_schema.h"

#include <filesystem>
#include <map>

#include "ingest/pseudonymiser.h"
#include "store/sql.h"
#include "store/sqlite_db.h"

namespace csu::chc {
namespace {

constexpr int kSchemaVersion = 1;

// docs/store-format.md §15.
const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  ccg TEXT NOT NULL,
  pseudonym TEXT NOT NULL,
  fast_track INTEGER NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('referred','screened_out','assessment','eligible','not_eligible','closed')),
  referred_on TEXT NOT NULL,
  checklist_received TEXT,
  checklist_positive INTEGER,
  decided_on TEXT,
  eligible INTEGER,
  decision_reason TEXT NOT NULL DEFAULT '',
  closed_on TEXT,
  ft_received TEXT,
  ft_in_place TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL);
CREATE INDEX cases_by_ccg ON cases(ccg, status);
CREATE TABLE identities(
  case_id INTEGER NOT NULL REFERENCES cases(id),
  field TEXT NOT NULL CHECK(field IN ('name','nhs_number','date_of_birth','address')),
  sealed TEXT NOT NULL,
  PRIMARY KEY(case_id, field));
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  at TEXT NOT NULL, by TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX events_by_case ON events(case_id, id);
CREATE TABLE assessments(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  assessed_on TEXT NOT NULL,
  acute INTEGER NOT NULL,
  indication TEXT NOT NULL,
  recommendation TEXT NOT NULL CHECK(recommendation IN ('eligible','not_eligible')),
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX assessments_by_case ON assessments(case_id);
CREATE TABLE assessment_levels(
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  domain TEXT NOT NULL, level TEXT NOT NULL,
  PRIMARY KEY(assessment_id, domain));
CREATE TABLE delays(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK(kind IN ('individual','condition','exceptional')),
  reason TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX delays_by_case ON delays(case_id);
CREATE TABLE packages(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  ccg TEXT NOT NULL,
  ended_on TEXT);
CREATE INDEX packages_by_ccg ON packages(ccg);
CREATE TABLE package_versions(
  package_id INTEGER NOT NULL REFERENCES packages(id),
  version INTEGER NOT NULL,
  start TEXT NOT NULL,
  provider TEXT NOT NULL,
  setting TEXT NOT NULL CHECK(setting IN ('care_home_nursing','care_home','domiciliary','phb')),
  unit_cost_pence INTEGER NOT NULL CHECK(unit_cost_pence > 0),
  units_x100 INTEGER NOT NULL CHECK(units_x100 > 0),
  reason TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,
  PRIMARY KEY(package_id, version));
CREATE TRIGGER package_versions_immutable BEFORE UPDATE ON package_versions
  BEGIN SELECT RAISE(ABORT, 'package versions are immutable: record a new version'); END;
CREATE TRIGGER package_versions_kept BEFORE DELETE ON package_versions
  BEGIN SELECT RAISE(ABORT, 'package versions are kept'); END;
CREATE TABLE reviews(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  reviewed_on TEXT NOT NULL, outcome TEXT NOT NULL,
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX reviews_by_case ON reviews(case_id, reviewed_on);
CREATE TABLE appeals(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  stage TEXT NOT NULL CHECK(stage IN ('local_resolution','independent_review')),
  received_on TEXT NOT NULL,
  outcome TEXT CHECK(outcome IN ('upheld','not_upheld')),
  decided_on TEXT, reason TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX appeals_by_case ON appeals(case_id);
)sql";

// Tables added after schema version 1 was first shipped: created when the
// file is opened, so a chc.sqlite made before them gains them (additive, no
// version change; docs/store-format.md §15).
const char* kSchemaAdditions = R"sql(
CREATE TABLE IF NOT EXISTS provider_invoices(
  id INTEGER PRIMARY KEY,
  ccg TEXT NOT NULL, provider TEXT NOT NULL, invoice_ref TEXT NOT NULL,
  case_ref TEXT NOT NULL, case_id INTEGER REFERENCES cases(id),
  period_from TEXT NOT NULL, period_to TEXT NOT NULL,
  amount_pence INTEGER NOT NULL, expected_pence INTEGER,
  outcome TEXT NOT NULL CHECK(outcome IN ('payable','queried')),
  reason TEXT NOT NULL, source TEXT NOT NULL,
  checked_at TEXT NOT NULL, checked_by TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS provider_invoices_by_ccg ON provider_invoices(ccg, id);
CREATE TABLE IF NOT EXISTS retro_claims(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  ccg TEXT NOT NULL,
  received_on TEXT NOT NULL, period_from TEXT NOT NULL, period_to TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('open','eligible','not_eligible')),
  decided_on TEXT, eligible_from TEXT, eligible_to TEXT,
  reason TEXT NOT NULL DEFAULT '', awarded_pence INTEGER NOT NULL DEFAULT 0,
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS retro_claims_by_ccg ON retro_claims(ccg, id);
CREATE TABLE IF NOT EXISTS retro_claim_costs(
  claim_id INTEGER NOT NULL REFERENCES retro_claims(id),
  line INTEGER NOT NULL,
  cost_from TEXT NOT NULL, cost_to TEXT NOT NULL, weekly_pence INTEGER NOT NULL,
  PRIMARY KEY(claim_id, line));
CREATE TRIGGER IF NOT EXISTS retro_claim_costs_fixed_u BEFORE UPDATE ON retro_claim_costs
  BEGIN SELECT RAISE(ABORT, 'a claim''s stated costs are never changed'); END;
CREATE TRIGGER IF NOT EXISTS retro_claim_costs_fixed_d BEFORE DELETE ON retro_claim_costs
  BEGIN SELECT RAISE(ABORT, 'a claim''s stated costs are never deleted'); END;
CREATE TRIGGER IF NOT EXISTS provider_invoices_fixed_u BEFORE UPDATE ON provider_invoices
  BEGIN SELECT RAISE(ABORT, 'a checked invoice is never changed'); END;
CREATE TRIGGER IF NOT EXISTS provider_invoices_fixed_d BEFORE DELETE ON provider_invoices
  BEGIN SELECT RAISE(ABORT, 'a checked invoice is never deleted'); END;
)sql";

// The same tables in PostgreSQL (docs/store-format.md §15a), shared by every
// node: BIGINT for every integer, identity columns for the ids, the text
// keys and dates compared and sorted in byte order (COLLATE "C", as SQLite
// compares), the invoice and claim tables of kSchemaAdditions from the
// start, and the immutability rules as PL/pgSQL triggers that also refuse
// TRUNCATE. The meta table is named for the database (chc_meta), since every
// module shares the connection's schema; it holds the schema version and
// the CHC key's fingerprint.
const char* kPostgresSchema = R"sql(
CREATE TABLE chc_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  ccg TEXT COLLATE "C" NOT NULL,
  pseudonym TEXT COLLATE "C" NOT NULL,
  fast_track BIGINT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('referred','screened_out','assessment','eligible','not_eligible','closed')),
  referred_on TEXT COLLATE "C" NOT NULL,
  checklist_received TEXT COLLATE "C",
  checklist_positive BIGINT,
  decided_on TEXT COLLATE "C",
  eligible BIGINT,
  decision_reason TEXT NOT NULL DEFAULT '',
  closed_on TEXT COLLATE "C",
  ft_received TEXT COLLATE "C",
  ft_in_place TEXT COLLATE "C",
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL);
CREATE INDEX cases_by_ccg ON cases(ccg, status);
CREATE TABLE chc_identities(
  case_id BIGINT NOT NULL REFERENCES cases(id),
  field TEXT NOT NULL CHECK(field IN ('name','nhs_number','date_of_birth','address')),
  sealed TEXT NOT NULL,
  PRIMARY KEY(case_id, field));
CREATE TABLE events(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  at TEXT NOT NULL, by TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX events_by_case ON events(case_id, id);
CREATE TABLE assessments(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  assessed_on TEXT COLLATE "C" NOT NULL,
  acute BIGINT NOT NULL,
  indication TEXT NOT NULL,
  recommendation TEXT NOT NULL CHECK(recommendation IN ('eligible','not_eligible')),
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX assessments_by_case ON assessments(case_id);
CREATE TABLE assessment_levels(
  assessment_id BIGINT NOT NULL REFERENCES assessments(id),
  domain TEXT NOT NULL, level TEXT NOT NULL,
  PRIMARY KEY(assessment_id, domain));
CREATE TABLE delays(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK(kind IN ('individual','condition','exceptional')),
  reason TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX delays_by_case ON delays(case_id);
CREATE TABLE packages(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  ccg TEXT COLLATE "C" NOT NULL,
  ended_on TEXT COLLATE "C");
CREATE INDEX packages_by_ccg ON packages(ccg);
CREATE TABLE package_versions(
  package_id BIGINT NOT NULL REFERENCES packages(id),
  version BIGINT NOT NULL,
  start TEXT COLLATE "C" NOT NULL,
  provider TEXT NOT NULL,
  setting TEXT NOT NULL CHECK(setting IN ('care_home_nursing','care_home','domiciliary','phb')),
  unit_cost_pence BIGINT NOT NULL CHECK(unit_cost_pence > 0),
  units_x100 BIGINT NOT NULL CHECK(units_x100 > 0),
  reason TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,
  PRIMARY KEY(package_id, version));
CREATE TABLE reviews(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  reviewed_on TEXT COLLATE "C" NOT NULL, outcome TEXT NOT NULL,
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX reviews_by_case ON reviews(case_id, reviewed_on);
CREATE TABLE appeals(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  stage TEXT NOT NULL CHECK(stage IN ('local_resolution','independent_review')),
  received_on TEXT COLLATE "C" NOT NULL,
  outcome TEXT CHECK(outcome IN ('upheld','not_upheld')),
  decided_on TEXT COLLATE "C", reason TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX appeals_by_case ON appeals(case_id);
CREATE TABLE provider_invoices(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  ccg TEXT COLLATE "C" NOT NULL, provider TEXT NOT NULL, invoice_ref TEXT NOT NULL,
  case_ref TEXT NOT NULL, case_id BIGINT REFERENCES cases(id),
  period_from TEXT COLLATE "C" NOT NULL, period_to TEXT COLLATE "C" NOT NULL,
  amount_pence BIGINT NOT NULL, expected_pence BIGINT,
  outcome TEXT NOT NULL CHECK(outcome IN ('payable','queried')),
  reason TEXT NOT NULL, source TEXT NOT NULL,
  checked_at TEXT NOT NULL, checked_by TEXT NOT NULL);
CREATE INDEX provider_invoices_by_ccg ON provider_invoices(ccg, id);
CREATE TABLE retro_claims(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  ccg TEXT COLLATE "C" NOT NULL,
  received_on TEXT COLLATE "C" NOT NULL, period_from TEXT COLLATE "C" NOT NULL, period_to TEXT COLLATE "C" NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('open','eligible','not_eligible')),
  decided_on TEXT COLLATE "C", eligible_from TEXT COLLATE "C", eligible_to TEXT COLLATE "C",
  reason TEXT NOT NULL DEFAULT '', awarded_pence BIGINT NOT NULL DEFAULT 0,
  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL);
CREATE INDEX retro_claims_by_ccg ON retro_claims(ccg, id);
CREATE TABLE retro_claim_costs(
  claim_id BIGINT NOT NULL REFERENCES retro_claims(id),
  line BIGINT NOT NULL,
  cost_from TEXT COLLATE "C" NOT NULL, cost_to TEXT COLLATE "C" NOT NULL, weekly_pence BIGINT NOT NULL,
  PRIMARY KEY(claim_id, line));
CREATE FUNCTION chc_package_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'package versions are immutable: record a new version'; END $$;
CREATE TRIGGER package_versions_immutable BEFORE UPDATE OR DELETE ON package_versions
  FOR EACH ROW EXECUTE FUNCTION chc_package_versions_immutable();
CREATE TRIGGER package_versions_kept BEFORE TRUNCATE ON package_versions
  FOR EACH STATEMENT EXECUTE FUNCTION chc_package_versions_immutable();
CREATE FUNCTION chc_claim_costs_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'a claim''s stated costs are never changed or deleted'; END $$;
CREATE TRIGGER retro_claim_costs_fixed BEFORE UPDATE OR DELETE ON retro_claim_costs
  FOR EACH ROW EXECUTE FUNCTION chc_claim_costs_fixed();
CREATE TRIGGER retro_claim_costs_kept BEFORE TRUNCATE ON retro_claim_costs
  FOR EACH STATEMENT EXECUTE FUNCTION chc_claim_costs_fixed();
CREATE FUNCTION chc_invoices_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'a checked invoice is never changed or deleted'; END $$;
CREATE TRIGGER provider_invoices_fixed BEFORE UPDATE OR DELETE ON provider_invoices
  FOR EACH ROW EXECUTE FUNCTION chc_invoices_fixed();
CREATE TRIGGER provider_invoices_kept BEFORE TRUNCATE ON provider_invoices
  FOR EACH STATEMENT EXECUTE FUNCTION chc_invoices_fixed();
)sql";

// The sealed fields' table on the connection's engine: chc_identities in
// PostgreSQL, where payroll's staff_identities share the schema.
std::string IdentitiesTable(const store::SqlConnection& db) {
  return db.Backend() == "postgresql" ? "chc_identities" : "identities";
}

constexpr const char* kFields[] = {"name", "nhs_number", "date_of_birth", "address"};

std::optional<Date> OptDate(const store::SqlStatement& q, int col) {
  if (q.IsNull(col)) return std::nullopt;
  auto d = Date::Parse(q.Text(col));
  if (!d.ok()) return std::nullopt;
  return d.value();
}
std::optional<DateTime> OptDateTime(const store::SqlStatement& q, int col) {
  if (q.IsNull(col)) return std::nullopt;
  auto d = DateTime::Parse(q.Text(col));
  if (!d.ok()) return std::nullopt;
  return d.value();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
std::optional<std::string> FromHex(const std::string& hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

const char* kCaseColumns =
    "c.id, c.ccg, c.pseudonym, c.status, c.fast_track, c.referred_on, c.checklist_received, c.checklist_positive, "
    "c.decided_on, c.eligible, c.decision_reason, c.closed_on, c.ft_received, c.ft_in_place, "
    "(SELECT max(reviewed_on) FROM reviews r WHERE r.case_id = c.id), "
    "CASE WHEN EXISTS(SELECT 1 FROM delays d WHERE d.case_id = c.id) THEN 1 ELSE 0 END, "
    "(SELECT count(*) FROM assessments a WHERE a.case_id = c.id)";

CaseRow ReadCase(const store::SqlStatement& q) {
  CaseRow r;
  r.id = q.Int(0);
  r.ccg = q.Text(1);
  r.pseudonym = q.Text(2);
  r.status = q.Text(3);
  r.fast_track = q.Int(4) != 0;
  r.referred_on = OptDate(q, 5).value_or(Date());
  r.checklist_received = OptDate(q, 6);
  if (!q.IsNull(7)) r.checklist_positive = q.Int(7) != 0;
  r.decided_on = OptDate(q, 8);
  if (!q.IsNull(9)) r.eligible = q.Int(9) != 0;
  r.decision_reason = q.Text(10);
  r.closed_on = OptDate(q, 11);
  r.ft_received = OptDateTime(q, 12);
  r.ft_in_place = OptDateTime(q, 13);
  r.last_review = OptDate(q, 14);
  r.valid_delay = q.Int(15) != 0;
  r.assessments = q.Int(16);
  return r;
}

}  // namespace

int ServerSchemaVersion() { return kSchemaVersion; }

std::string ServerSchemaFor(std::string_view backend) {
  if (backend == "postgresql") return kPostgresSchema;
  std::string ddl = kSchema;
  const std::string meta = "CREATE TABLE meta(";
  ddl.replace(ddl.find(meta), meta.size(), "CREATE TABLE chc_meta(");
  return ddl + kSchemaAdditions;
}

ChcStore::ChcStore(PassKey, std::unique_ptr<store::SqlConnection> db) : db_(std::move(db)) {}
ChcStore::~ChcStore() = default;

Result<std::unique_ptr<ChcStore>> ChcStore::Open(const std::string& dir, const FieldCipher& cipher) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/chc.sqlite", ""));
  if (Status s = store::PrepareSchema(*db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", kSchema, kSchemaVersion,
                                      "continuing healthcare database");
      !s.ok())
    return s.error();
  if (Status s = db->Exec(kSchemaAdditions); !s.ok()) return s.error();
  // The key the identifiable fields were sealed under, by fingerprint.
  if (Status st = store::CheckKeyFingerprint(*db, cipher, "chc_key_fingerprint", "--chc-key"); !st.ok()) return st.error();
  return std::make_unique<ChcStore>(PassKey{}, std::make_unique<store::SqliteConnection>(std::move(db)));
}

Result<std::unique_ptr<ChcStore>> ChcStore::OpenPseudonymised(const std::string& dir) {
  if (!std::filesystem::exists(dir + "/chc.sqlite")) return std::unique_ptr<ChcStore>();
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/chc.sqlite", "", /*create=*/false));
  if (Status s = store::PrepareSchema(*db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", kSchema, kSchemaVersion,
                                      "continuing healthcare database");
      !s.ok())
    return s.error();
  if (Status s = db->Exec(kSchemaAdditions); !s.ok()) return s.error();
  return std::make_unique<ChcStore>(PassKey{}, std::make_unique<store::SqliteConnection>(std::move(db)));
}

Result<std::unique_ptr<ChcStore>> ChcStore::OpenServerPseudonymised(std::unique_ptr<store::SqlConnection> db) {
  if (db->Backend() != "postgresql")
    return MakeError(db->Name(), "server mode needs a PostgreSQL database; a state folder's opens with Open");
  if (Status s = store::PrepareServerSchema(*db, kChcWriteLock, "chc_meta", kPostgresSchema, kSchemaVersion,
                                            "continuing healthcare database");
      !s.ok())
    return s.error();
  return std::make_unique<ChcStore>(PassKey{}, std::move(db));
}

Result<std::unique_ptr<ChcStore>> ChcStore::OpenServer(std::unique_ptr<store::SqlConnection> db,
                                                       const FieldCipher& cipher) {
  CSU_ASSIGN_OR_RETURN(opened, OpenServerPseudonymised(std::move(db)));
  if (Status s = opened->CheckKey(cipher); !s.ok()) return s.error();
  return opened;
}

Result<bool> ChcStore::KeyRecorded() {
  const bool server = db_->Backend() == "postgresql";
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT value FROM ") + (server ? "chc_meta" : "meta") +
                                       " WHERE key = 'chc_key_fingerprint'"));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  return row;
}

Status ChcStore::CheckKey(const FieldCipher& cipher) {
  if (db_->Backend() != "postgresql") {
    auto* sqlite = static_cast<store::SqliteConnection*>(db_.get());
    return store::CheckKeyFingerprint(sqlite->db(), cipher, "chc_key_fingerprint", "--chc-key");
  }
  // As CheckKeyFingerprint does in chc.sqlite's meta: the first keyed open
  // records the key's fingerprint, every later one (on any node) must match,
  // so no case is ever sealed under a second key.
  store::SqlConnection& d = *db_;
  const std::string fp = cipher.Fingerprint();
  return store::InWriteTransaction(d, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(ins, d.Prepare("INSERT INTO chc_meta(key, value) VALUES ('chc_key_fingerprint', ?1) "
                                        "ON CONFLICT(key) DO NOTHING"));
    if (Status r = ins.Bind(1, fp).Run(); !r.ok()) return r;
    CSU_ASSIGN_OR_RETURN(q, d.Prepare("SELECT value FROM chc_meta WHERE key = 'chc_key_fingerprint'"));
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row || q.Text(0) != fp)
      return MakeError(d.Name(), std::string("this is not the ") + cipher.domain().noun +
                                     " the fields here were sealed under (fingerprint differs); use the --chc-key "
                                     "file every other node and command uses");
    return Status::Ok();
  });
}

Status ChcStore::AddEvent(int64_t case_id, const std::string& kind, const std::string& detail, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("INSERT INTO events(case_id, at, by, kind, detail) VALUES (?1,?2,?3,?4,?5)"));
  return q.Bind(1, case_id).Bind(2, actor.at).Bind(3, actor.by).Bind(4, kind).Bind(5, detail).Run();
}

Result<CaseRow> ChcStore::Need(int64_t case_id) {
  CSU_ASSIGN_OR_RETURN(c, FindCase(case_id));
  if (!c) return MakeError("case " + std::to_string(case_id), "no such case");
  return *c;
}

Result<int64_t> ChcStore::Refer(const NewCase& c, const Identity& who, const FieldCipher& cipher, const Actor& actor) {
  if (c.ccg.empty()) return MakeError("ccg", "a case needs its CCG");
  if (c.pseudonym.size() != 64) return MakeError("pseudonym", "a case needs the 64-digit pseudonym of its NHS number");
  if (c.fast_track && !c.fast_track_received) return MakeError("fast track", "a Fast Track referral needs the time it was received");
  int64_t id = 0;
  Status s = store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
                                  "INSERT INTO cases(ccg, pseudonym, fast_track, status, referred_on, ft_received, "
                                  "created_at, created_by) VALUES (?1,?2,?3,'referred',?4,?5,?6,?7) RETURNING id"));
    ins.Bind(1, c.ccg).Bind(2, c.pseudonym).Bind(3, c.fast_track ? 1 : 0).Bind(4, c.referred_on.ToString());
    if (c.fast_track_received) ins.Bind(5, c.fast_track_received->ToString());
    else ins.BindNull(5);
    CSU_ASSIGN_OR_RETURN(last, InsertedId(ins.Bind(6, actor.at).Bind(7, actor.by), "case"));
    id = last;
    if (Status r = SealIdentity(id, who, cipher); !r.ok()) return r;
    return AddEvent(id, "referred", c.fast_track ? "Fast Track referral" : "referral", actor);
  });
  if (!s.ok()) return s.error();
  return id;
}

Status ChcStore::RecordChecklist(int64_t case_id, Date received, bool positive, const Actor& actor) {
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    if (c.fast_track) return MakeError("case " + std::to_string(case_id), "a Fast Track case has no Checklist");
    if (c.status != "referred")
      return MakeError("case " + std::to_string(case_id), "the Checklist is recorded once, at referral (status " + c.status + ")");
    if (received < c.referred_on)
      return MakeError("received", "the Checklist cannot reach the CCG before the referral (" + c.referred_on.ToString() + ")");
    CSU_ASSIGN_OR_RETURN(up, db_->Prepare("UPDATE cases SET checklist_received = ?2, checklist_positive = ?3, "
                                          "status = ?4 WHERE id = ?1"));
    if (Status r = up.Bind(1, case_id).Bind(2, received.ToString()).Bind(3, positive ? 1 : 0)
                       .Bind(4, positive ? "assessment" : "screened_out").Run();
        !r.ok())
      return r;
    return AddEvent(case_id, "checklist", std::string(positive ? "positive" : "negative") + ", received " + received.ToString(), actor);
  });
}

Result<int64_t> ChcStore::RecordAssessment(const Assessment& a, const Actor& actor) {
  if (Status s = CheckLevels(a.levels); !s.ok()) return s.error();
  if (a.recommendation != "eligible" && a.recommendation != "not_eligible")
    return MakeError("recommendation", "is 'eligible' or 'not_eligible'");
  int64_t id = 0;
  Status s = store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(a.case_id));
    if (c.status != "assessment" && c.status != "eligible" && c.status != "not_eligible")
      return MakeError("case " + std::to_string(a.case_id), "a full assessment follows a positive Checklist (status " + c.status + ")");
    const IndicationResult ind = Indicate(a.levels);
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO assessments(case_id, assessed_on, acute, indication, recommendation, "
                                           "recorded_at, recorded_by) VALUES (?1,?2,?3,?4,?5,?6,?7) RETURNING id"));
    ins.Bind(1, a.case_id).Bind(2, a.assessed_on.ToString()).Bind(3, a.acute ? 1 : 0)
        .Bind(4, IndicationName(ind.indication)).Bind(5, a.recommendation).Bind(6, actor.at).Bind(7, actor.by);
    CSU_ASSIGN_OR_RETURN(last, InsertedId(ins, "assessment"));
    id = last;
    CSU_ASSIGN_OR_RETURN(lv, db_->Prepare("INSERT INTO assessment_levels(assessment_id, domain, level) VALUES (?1,?2,?3)"));
    for (Domain d : kAllDomains) {
      lv.Reset();
      if (Status r = lv.Bind(1, id).Bind(2, DomainCode(d)).Bind(3, LevelName(a.levels[d])).Run(); !r.ok()) return r;
    }
    return AddEvent(a.case_id, "assessment",
                    "DST on " + a.assessed_on.ToString() + (a.acute ? " (acute hospital)" : "") + ": MDT recommends " +
                        a.recommendation + "; DST indication " + std::string(IndicationName(ind.indication)) + ": " + ind.why,
                    actor);
  });
  if (!s.ok()) return s.error();
  return id;
}

Status ChcStore::Decide(int64_t case_id, Date on, bool eligible, const std::string& reason, const Actor& actor) {
  if (reason.empty()) return MakeError("reason", "a decision is recorded with its reasons");
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    if (c.decided_on) return MakeError("case " + std::to_string(case_id), "is decided already (" + c.decided_on->ToString() + ")");
    if (!c.fast_track && c.status != "assessment")
      return MakeError("case " + std::to_string(case_id), "a decision follows a positive Checklist and a DST (status " + c.status + ")");
    if (!c.fast_track && c.assessments == 0)
      return MakeError("case " + std::to_string(case_id), "record the DST assessment before the decision");
    if (on < c.referred_on) return MakeError("date", "a decision cannot precede the referral");
    CSU_ASSIGN_OR_RETURN(up, db_->Prepare("UPDATE cases SET decided_on = ?2, eligible = ?3, decision_reason = ?4, "
                                          "status = ?5 WHERE id = ?1"));
    if (Status r = up.Bind(1, case_id).Bind(2, on.ToString()).Bind(3, eligible ? 1 : 0).Bind(4, reason)
                       .Bind(5, eligible ? "eligible" : "not_eligible").Run();
        !r.ok())
      return r;
    return AddEvent(case_id, "decision", std::string(eligible ? "eligible" : "not eligible") + " on " + on.ToString() + ": " + reason, actor);
  });
}

Status ChcStore::RecordDelay(int64_t case_id, DelayReason kind, const std::string& reason, const Actor& actor) {
  if (reason.empty()) return MakeError("reason", "a valid reason for delay is recorded with what happened");
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    (void)c;
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO delays(case_id, kind, reason, recorded_at, recorded_by) VALUES (?1,?2,?3,?4,?5)"));
    if (Status r = ins.Bind(1, case_id).Bind(2, DelayReasonName(kind)).Bind(3, reason).Bind(4, actor.at).Bind(5, actor.by).Run(); !r.ok())
      return r;
    return AddEvent(case_id, "delay", std::string(DelayReasonName(kind)) + ": " + reason, actor);
  });
}

Status ChcStore::FastTrackInPlace(int64_t case_id, DateTime at, const Actor& actor) {
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    if (!c.fast_track) return MakeError("case " + std::to_string(case_id), "is not a Fast Track case");
    if (c.ft_received && at < *c.ft_received) return MakeError("in place", "cannot precede the referral's receipt");
    CSU_ASSIGN_OR_RETURN(up, db_->Prepare("UPDATE cases SET ft_in_place = ?2 WHERE id = ?1"));
    if (Status r = up.Bind(1, case_id).Bind(2, at.ToString()).Run(); !r.ok()) return r;
    return AddEvent(case_id, "fast_track_in_place", "package in place " + at.ToString(), actor);
  });
}

Status ChcStore::RecordReview(int64_t case_id, Date on, const std::string& outcome, const Actor& actor) {
  if (outcome.empty()) return MakeError("outcome", "a review is recorded with its outcome");
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    if (c.status != "eligible") return MakeError("case " + std::to_string(case_id), "only an eligible case is reviewed (status " + c.status + ")");
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO reviews(case_id, reviewed_on, outcome, recorded_at, recorded_by) VALUES (?1,?2,?3,?4,?5)"));
    if (Status r = ins.Bind(1, case_id).Bind(2, on.ToString()).Bind(3, outcome).Bind(4, actor.at).Bind(5, actor.by).Run(); !r.ok())
      return r;
    return AddEvent(case_id, "review", on.ToString() + ": " + outcome, actor);
  });
}

Status ChcStore::Close(int64_t case_id, Date on, const std::string& reason, const Actor& actor) {
  if (reason.empty()) return MakeError("reason", "a case is closed with its reason");
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    if (c.status == "closed") return MakeError("case " + std::to_string(case_id), "is closed already");
    CSU_ASSIGN_OR_RETURN(up, db_->Prepare("UPDATE cases SET status = 'closed', closed_on = ?2 WHERE id = ?1"));
    if (Status r = up.Bind(1, case_id).Bind(2, on.ToString()).Run(); !r.ok()) return r;
    return AddEvent(case_id, "closed", on.ToString() + ": " + reason, actor);
  });
}

namespace {
Status InsertVersion(store::SqlConnection& db, int64_t package_id, int64_t version, const PackageVersion& v,
                     const std::string& reason, const Actor& actor) {
  CSU_ASSIGN_OR_RETURN(ins, db.Prepare("INSERT INTO package_versions(package_id, version, start, provider, setting, "
                                       "unit_cost_pence, units_x100, reason, recorded_at, recorded_by) "
                                       "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"));
  return ins.Bind(1, package_id).Bind(2, version).Bind(3, v.start.ToString()).Bind(4, v.provider)
      .Bind(5, SettingName(v.setting)).Bind(6, v.unit_cost.pence()).Bind(7, v.units_x100).Bind(8, reason)
      .Bind(9, actor.at).Bind(10, actor.by).Run();
}
std::string Describe(const PackageVersion& v) {
  return std::string(SettingName(v.setting)) + " from " + v.start.ToString() + " with " + v.provider + ": " +
         v.unit_cost.ToString() + " x " + UnitsX100ToString(v.units_x100) + " a week = " + WeeklyCost(v).ToString() + " a week";
}
}  // namespace

Result<int64_t> ChcStore::AddPackage(int64_t case_id, const PackageVersion& v, const Actor& actor) {
  if (Status s = CheckVersion(v); !s.ok()) return s.error();
  int64_t id = 0;
  Status s = store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    if (c.status != "eligible")
      return MakeError("case " + std::to_string(case_id), "a CHC package is for an eligible case (status " + c.status + ")");
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO packages(case_id, ccg) VALUES (?1,?2) RETURNING id"));
    CSU_ASSIGN_OR_RETURN(last, InsertedId(ins.Bind(1, case_id).Bind(2, c.ccg), "package"));
    id = last;
    if (Status r = InsertVersion(*db_, id, 1, v, "new package", actor); !r.ok()) return r;
    return AddEvent(case_id, "package", "package " + std::to_string(id) + " v1: " + Describe(v), actor);
  });
  if (!s.ok()) return s.error();
  return id;
}

Status ChcStore::ChangePackage(int64_t package_id, const PackageVersion& v, const std::string& reason, const Actor& actor) {
  if (Status s = CheckVersion(v); !s.ok()) return s;
  if (reason.empty()) return MakeError("reason", "a package change is recorded with its reason");
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT p.case_id, p.ended_on, max(v.version), max(v.start) FROM packages p "
                                         "JOIN package_versions v ON v.package_id = p.id WHERE p.id = ?1 GROUP BY p.id"));
    q.Bind(1, package_id);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return MakeError("package " + std::to_string(package_id), "no such package");
    const int64_t case_id = q.Int(0);
    if (!q.IsNull(1)) return MakeError("package " + std::to_string(package_id), "has ended (" + q.Text(1) + "); add a new package");
    const int64_t version = q.Int(2) + 1;
    const std::string latest = q.Text(3);
    if (v.start.ToString() <= latest)
      return MakeError("start", "a change starts after the latest version's start (" + latest + ")");
    q.Reset();
    if (Status r = InsertVersion(*db_, package_id, version, v, reason, actor); !r.ok()) return r;
    return AddEvent(case_id, "package_change",
                    "package " + std::to_string(package_id) + " v" + std::to_string(version) + ": " + Describe(v) + " (" + reason + ")",
                    actor);
  });
}

Status ChcStore::EndPackage(int64_t package_id, Date last_day, const std::string& reason, const Actor& actor) {
  if (reason.empty()) return MakeError("reason", "a package ends with its reason");
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT p.case_id, p.ended_on, min(v.start) FROM packages p "
                                         "JOIN package_versions v ON v.package_id = p.id WHERE p.id = ?1 GROUP BY p.id"));
    q.Bind(1, package_id);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return MakeError("package " + std::to_string(package_id), "no such package");
    const int64_t case_id = q.Int(0);
    if (!q.IsNull(1)) return MakeError("package " + std::to_string(package_id), "has ended already (" + q.Text(1) + ")");
    if (last_day.ToString() < q.Text(2)) return MakeError("end", "cannot be before the package started (" + q.Text(2) + ")");
    q.Reset();
    CSU_ASSIGN_OR_RETURN(up, db_->Prepare("UPDATE packages SET ended_on = ?2 WHERE id = ?1"));
    if (Status r = up.Bind(1, package_id).Bind(2, last_day.ToString()).Run(); !r.ok()) return r;
    return AddEvent(case_id, "package_end", "package " + std::to_string(package_id) + " ends " + last_day.ToString() + ": " + reason, actor);
  });
}

Result<int64_t> ChcStore::InsertedId(store::SqlStatement& ins, const char* what) {
  // The change happens on the first step (SQLite's RETURNING rule too).
  CSU_ASSIGN_OR_RETURN(row, ins.Step());
  if (!row) return MakeError(db_->Name(), std::string("no id for the new ") + what);
  const int64_t id = ins.Int(0);
  ins.Reset();
  return id;
}

Status ChcStore::SealIdentity(int64_t id, const Identity& who, const FieldCipher& cipher) {
  const std::string values[] = {who.name, who.nhs_number, who.date_of_birth, who.address};
  CSU_ASSIGN_OR_RETURN(put, db_->Prepare("INSERT INTO " + IdentitiesTable(*db_) + "(case_id, field, sealed) VALUES (?1,?2,?3)"));
  for (size_t i = 0; i < 4; ++i) {
    CSU_ASSIGN_OR_RETURN(sealed, cipher.Seal(id, kFields[i], values[i]));
    put.Reset();
    if (Status r = put.Bind(1, id).Bind(2, std::string_view(kFields[i]))
                       .Bind(3, ingest::ToHex(reinterpret_cast<const uint8_t*>(sealed.data()), sealed.size()))
                       .Run();
        !r.ok())
      return r;
  }
  return Status::Ok();
}

Result<std::vector<int64_t>> ChcStore::Import(const std::vector<CaseloadRow>& rows,
                                              const std::vector<std::string>& pseudonyms, const FieldCipher& cipher,
                                              const Actor& actor, const std::string& source) {
  if (rows.size() != pseudonyms.size()) return MakeError(source, "one pseudonym per row is needed");
  std::vector<int64_t> ids;
  Status s = store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
                                  "INSERT INTO cases(ccg, pseudonym, fast_track, status, referred_on, checklist_received, "
                                  "checklist_positive, decided_on, eligible, decision_reason, created_at, created_by) "
                                  "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) RETURNING id"));
    for (size_t i = 0; i < rows.size(); ++i) {
      const CaseloadRow& r = rows[i];
      std::string status = "referred";
      if (r.checklist_received) status = r.checklist_positive ? "assessment" : "screened_out";
      if (r.decided_on) status = r.eligible ? "eligible" : "not_eligible";
      ins.Reset();
      ins.Bind(1, r.ccg).Bind(2, pseudonyms[i]).Bind(3, r.fast_track ? 1 : 0).Bind(4, status).Bind(5, r.referred_on.ToString());
      if (r.checklist_received) ins.Bind(6, r.checklist_received->ToString()).Bind(7, r.checklist_positive ? 1 : 0);
      else ins.BindNull(6).BindNull(7);
      if (r.decided_on) ins.Bind(8, r.decided_on->ToString()).Bind(9, r.eligible ? 1 : 0);
      else ins.BindNull(8).BindNull(9);
      CSU_ASSIGN_OR_RETURN(id, InsertedId(ins.Bind(10, r.decision_reason).Bind(11, actor.at).Bind(12, actor.by), "case"));
      ids.push_back(id);
      if (Status st = SealIdentity(id, r.identity, cipher); !st.ok()) return st;
      std::string detail = "imported from " + source + " line " + std::to_string(r.line) + " (" + status + ")";
      if (r.decided_on) detail += "; decision " + std::string(r.eligible ? "eligible" : "not eligible") + " on " +
                                  r.decided_on->ToString() + " as recorded before: " + r.decision_reason;
      if (Status st = AddEvent(id, "imported", detail, actor); !st.ok()) return st;
      if (r.package) {
        CSU_ASSIGN_OR_RETURN(pk, db_->Prepare("INSERT INTO packages(case_id, ccg) VALUES (?1,?2) RETURNING id"));
        CSU_ASSIGN_OR_RETURN(pid, InsertedId(pk.Bind(1, id).Bind(2, r.ccg), "package"));
        if (Status st = InsertVersion(*db_, pid, 1, *r.package, "imported", actor); !st.ok()) return st;
        if (Status st = AddEvent(id, "package", "package " + std::to_string(pid) + " v1 (imported): " + Describe(*r.package), actor);
            !st.ok())
          return st;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return ids;
}

Result<int64_t> ChcStore::RecordAppeal(int64_t case_id, AppealStage stage, Date received, const Actor& actor) {
  const std::string stage_name = stage == AppealStage::kLocalResolution ? "local_resolution" : "independent_review";
  int64_t id = 0;
  Status s = store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    if (!c.decided_on) return MakeError("case " + std::to_string(case_id), "an appeal is against a decision; this case has none");
    if (received < *c.decided_on) return MakeError("received", "an appeal cannot precede the decision (" + c.decided_on->ToString() + ")");
    CSU_ASSIGN_OR_RETURN(local, db_->Prepare("SELECT count(*) FROM appeals WHERE case_id = ?1 AND "
                                             "stage = 'local_resolution' AND outcome IS NOT NULL"));
    local.Bind(1, case_id);
    CSU_ASSIGN_OR_RETURN(row, local.Step());
    (void)row;
    CSU_ASSIGN_OR_RETURN(pending, db_->Prepare("SELECT count(*) FROM appeals WHERE case_id = ?1 AND outcome IS NULL"));
    pending.Bind(1, case_id);
    CSU_ASSIGN_OR_RETURN(prow, pending.Step());
    (void)prow;
    if (pending.Int(0) > 0) return MakeError("case " + std::to_string(case_id), "has an appeal open already");
    if (stage == AppealStage::kIndependentReview && local.Int(0) == 0)
      return MakeError("case " + std::to_string(case_id), "an independent review follows local resolution");
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO appeals(case_id, stage, received_on, recorded_at, recorded_by) "
                                           "VALUES (?1,?2,?3,?4,?5) RETURNING id"));
    ins.Bind(1, case_id).Bind(2, stage_name).Bind(3, received.ToString()).Bind(4, actor.at).Bind(5, actor.by);
    CSU_ASSIGN_OR_RETURN(last, InsertedId(ins, "appeal"));
    id = last;
    return AddEvent(case_id, "appeal", stage_name + " requested " + received.ToString() + " (appeal " + std::to_string(id) + ")", actor);
  });
  if (!s.ok()) return s.error();
  return id;
}

Status ChcStore::AppealOutcome(int64_t appeal_id, Date on, bool upheld, const std::string& reason, const Actor& actor) {
  if (reason.empty()) return MakeError("reason", "an appeal's outcome is recorded with its reasons");
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT case_id, stage, received_on, outcome FROM appeals WHERE id = ?1"));
    q.Bind(1, appeal_id);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) return MakeError("appeal " + std::to_string(appeal_id), "no such appeal");
    const int64_t case_id = q.Int(0);
    const std::string stage = q.Text(1), received = q.Text(2);
    if (!q.IsNull(3)) return MakeError("appeal " + std::to_string(appeal_id), "is decided already");
    if (on.ToString() < received) return MakeError("date", "an outcome cannot precede the request (" + received + ")");
    q.Reset();
    CSU_ASSIGN_OR_RETURN(up, db_->Prepare("UPDATE appeals SET outcome = ?2, decided_on = ?3, reason = ?4 WHERE id = ?1"));
    if (Status r = up.Bind(1, appeal_id).Bind(2, upheld ? "upheld" : "not_upheld").Bind(3, on.ToString()).Bind(4, reason).Run();
        !r.ok())
      return r;
    return AddEvent(case_id, "appeal_outcome",
                    stage + " (appeal " + std::to_string(appeal_id) + ") " + (upheld ? "upheld" : "not upheld") + " on " +
                        on.ToString() + ": " + reason,
                    actor);
  });
}

Result<std::vector<ChcStore::Appeal>> ChcStore::Appeals(int64_t case_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT id, stage, received_on, outcome, decided_on, reason FROM appeals "
                                       "WHERE case_id = ?1 ORDER BY id"));
  q.Bind(1, case_id);
  std::vector<Appeal> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Appeal a;
    a.id = q.Int(0);
    a.case_id = case_id;
    a.stage = q.Text(1);
    a.received_on = OptDate(q, 2).value_or(Date());
    a.outcome = q.IsNull(3) ? "" : q.Text(3);
    a.decided_on = OptDate(q, 4);
    a.reason = q.Text(5);
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::optional<CaseRow>> ChcStore::FindCase(int64_t case_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kCaseColumns + " FROM cases c WHERE c.id = ?1"));
  q.Bind(1, case_id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<CaseRow>();
  return std::optional<CaseRow>(ReadCase(q));
}

Result<std::vector<CaseRow>> ChcStore::Cases(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kCaseColumns +
                                       " FROM cases c WHERE ?1 = '' OR c.ccg = ?1 ORDER BY c.id"));
  q.Bind(1, ccg);
  std::vector<CaseRow> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(ReadCase(q));
  }
  return out;
}

Result<std::vector<CaseFacts>> ChcStore::Facts(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(cases, Cases(ccg));
  std::map<int64_t, size_t> index;
  std::vector<CaseFacts> out;
  for (const CaseRow& c : cases) {
    CaseFacts f;
    f.id = c.id;
    f.ccg = c.ccg;
    f.fast_track = c.fast_track;
    if (c.checklist_positive.value_or(false)) f.checklist_received = c.checklist_received;
    f.decided = c.decided_on;
    f.eligible = c.eligible.value_or(false);
    f.eligibility_ended = c.closed_on;
    f.valid_delay = c.valid_delay;
    f.fast_track_received = c.ft_received;
    f.fast_track_in_place = c.ft_in_place;
    index[c.id] = out.size();
    out.push_back(std::move(f));
  }
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT a.case_id, a.assessed_on, a.acute FROM assessments a JOIN cases c "
                                       "ON c.id = a.case_id WHERE ?1 = '' OR c.ccg = ?1"));
  q.Bind(1, ccg);
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    auto it = index.find(q.Int(0));
    auto d = OptDate(q, 1);
    if (it != index.end() && d) out[it->second].assessments.push_back({*d, q.Int(2) != 0});
  }
  return out;
}

Result<std::vector<Package>> ChcStore::Packages(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
                              "SELECT p.id, p.case_id, p.ccg, p.ended_on, v.version, v.start, v.provider, v.setting, "
                              "v.unit_cost_pence, v.units_x100 FROM packages p JOIN package_versions v ON v.package_id = p.id "
                              "WHERE ?1 = '' OR p.ccg = ?1 ORDER BY p.id, v.version"));
  q.Bind(1, ccg);
  std::vector<Package> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    if (out.empty() || out.back().id != q.Int(0)) {
      Package p;
      p.id = q.Int(0);
      p.case_id = q.Int(1);
      p.ccg = q.Text(2);
      p.end = OptDate(q, 3);
      out.push_back(std::move(p));
    }
    PackageVersion v;
    v.version = q.Int(4);
    v.start = OptDate(q, 5).value_or(Date());
    v.provider = q.Text(6);
    v.setting = ParseSetting(q.Text(7)).value_or(Setting::kCareHomeNursing);
    v.unit_cost = Money::FromPence(q.Int(8));
    v.units_x100 = q.Int(9);
    out.back().versions.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<Event>> ChcStore::Timeline(int64_t case_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT at, by, kind, detail FROM events WHERE case_id = ?1 ORDER BY id"));
  q.Bind(1, case_id);
  std::vector<Event> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(Event{q.Text(0), q.Text(1), q.Text(2), q.Text(3)});
  }
  return out;
}

Result<std::vector<Assessment>> ChcStore::Assessments(int64_t case_id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT id, assessed_on, acute, recommendation FROM assessments WHERE case_id = ?1 ORDER BY id"));
  q.Bind(1, case_id);
  std::vector<Assessment> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Assessment a;
    a.id = q.Int(0);
    a.case_id = case_id;
    a.assessed_on = OptDate(q, 1).value_or(Date());
    a.acute = q.Int(2) != 0;
    a.recommendation = q.Text(3);
    out.push_back(a);
  }
  CSU_ASSIGN_OR_RETURN(lv, db_->Prepare("SELECT domain, level FROM assessment_levels WHERE assessment_id = ?1"));
  for (Assessment& a : out) {
    lv.Reset();
    lv.Bind(1, a.id);
    for (;;) {
      CSU_ASSIGN_OR_RETURN(row, lv.Step());
      if (!row) break;
      auto d = ParseDomain(lv.Text(0));
      auto l = ParseLevel(lv.Text(1));
      if (d && l) a.levels[*d] = *l;
    }
  }
  return out;
}

Result<Identity> ChcStore::ReadIdentity(int64_t case_id, const FieldCipher& cipher) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT field, sealed FROM " + IdentitiesTable(*db_) + " WHERE case_id = ?1"));
  q.Bind(1, case_id);
  Identity id;
  int found = 0;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    const std::string field = q.Text(0);
    auto sealed = FromHex(q.Text(1));
    if (!sealed) return MakeError("case " + std::to_string(case_id) + " " + field, "the stored field is not sealed hex");
    CSU_ASSIGN_OR_RETURN(plain, cipher.Open(case_id, field, *sealed));
    if (field == "name") id.name = plain;
    else if (field == "nhs_number") id.nhs_number = plain;
    else if (field == "date_of_birth") id.date_of_birth = plain;
    else if (field == "address") id.address = plain;
    ++found;
  }
  if (found == 0) return MakeError("case " + std::to_string(case_id), "no identifiable fields (no such case)");
  return id;
}

}  // namespace csu::chc
