#include "primarycare/claims_store.h"

#include <cstdio>
#include <filesystem>

#include "core/file.h"
#include "core/text.h"
#include "primarycare/evidence.h"
#include "store/audit_chain.h"
#include "store/sha256.h"
#include "store/sqlite_db.h"

namespace csu::primarycare {
namespace {

// Version 2 added es_schemes.evidence_file and es_evidence; a version 1
// file is brought up to 2 when opened (docs/store-format.md §18).
constexpr const char* kVersion = "2";

// Every table is created IF NOT EXISTS: the file may already hold the
// practices store's tables (or none), and this class never touches those.
const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS es_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS es_schemes(
  ccg TEXT NOT NULL, code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('national','local')),
  specification TEXT NOT NULL,
  rule TEXT NOT NULL CHECK(rule IN ('item_of_service','per_registered_patient')),
  fee_pence INTEGER NOT NULL CHECK(fee_pence > 0),
  window_from TEXT NOT NULL, window_to TEXT NOT NULL,
  frequency TEXT NOT NULL CHECK(frequency IN ('monthly','quarterly')),
  max_units INTEGER NOT NULL CHECK(max_units > 0),
  evidence TEXT NOT NULL,
  evidence_file INTEGER NOT NULL DEFAULT 0 CHECK(evidence_file IN (0, 1)),
  created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
  PRIMARY KEY(ccg, code),
  CHECK(window_from <= window_to));
CREATE TABLE IF NOT EXISTS es_claims(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ccg TEXT NOT NULL, scheme_code TEXT NOT NULL, practice TEXT NOT NULL,
  period_first TEXT NOT NULL, period_last TEXT NOT NULL, period_label TEXT NOT NULL,
  units INTEGER NOT NULL CHECK(units > 0),
  state TEXT NOT NULL CHECK(state IN ('submitted','queried','approved','rejected')),
  evidence_note TEXT NOT NULL,
  question TEXT NOT NULL, answer TEXT NOT NULL, reason TEXT NOT NULL,
  amount_pence INTEGER NOT NULL,
  explanation TEXT NOT NULL,
  payment_month TEXT NOT NULL,
  submitted_at TEXT NOT NULL, submitted_by TEXT NOT NULL,
  decided_at TEXT NOT NULL, decided_by TEXT NOT NULL,
  FOREIGN KEY(ccg, scheme_code) REFERENCES es_schemes(ccg, code),
  CHECK((state = 'approved') = (payment_month <> '')));
CREATE UNIQUE INDEX IF NOT EXISTS es_claims_once ON es_claims(ccg, scheme_code, practice, period_first)
  WHERE state <> 'rejected';
CREATE INDEX IF NOT EXISTS es_claims_paid ON es_claims(ccg, payment_month) WHERE state = 'approved';
CREATE TABLE IF NOT EXISTS es_claim_events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  claim_id INTEGER NOT NULL REFERENCES es_claims(id),
  at TEXT NOT NULL, by TEXT NOT NULL,
  kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS es_claim_events_by_claim ON es_claim_events(claim_id, seq);
CREATE TABLE IF NOT EXISTS es_evidence(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  claim_id INTEGER NOT NULL REFERENCES es_claims(id),
  file_name TEXT NOT NULL, media_type TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK(length(sha256) = 64),
  bytes INTEGER NOT NULL CHECK(bytes > 0),
  uploaded_at TEXT NOT NULL, uploaded_by TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS es_evidence_by_claim ON es_evidence(claim_id, id);
)sql";

// Run before kSchema on a version 1 file (es_schemes without evidence_file).
const char* kUpgrade1To2 = "ALTER TABLE es_schemes ADD COLUMN evidence_file INTEGER NOT NULL DEFAULT 0 "
                           "CHECK(evidence_file IN (0, 1))";

const char* kSchemeColumns =
    "ccg, code, name, kind, specification, rule, fee_pence, window_from, window_to, frequency, max_units, evidence, "
    "evidence_file";

Result<Scheme> SchemeOf(store::Statement& q, const std::string& where) {
  Scheme s;
  s.ccg = q.Text(0);
  s.code = q.Text(1);
  s.name = q.Text(2);
  s.kind = ParseSchemeKind(q.Text(3)).value_or(SchemeKind::kLocal);
  s.specification = q.Text(4);
  auto rule = ParsePaymentRule(q.Text(5));
  auto freq = ParseFrequency(q.Text(9));
  if (!rule || !freq) return MakeError(where, "scheme " + s.code + " has an unknown rule or frequency");
  s.rule = *rule;
  s.frequency = *freq;
  s.fee_pence = q.Int(6);
  CSU_ASSIGN_OR_RETURN(from, Date::Parse(q.Text(7)));
  CSU_ASSIGN_OR_RETURN(to, Date::Parse(q.Text(8)));
  s.window_from = from;
  s.window_to = to;
  s.max_units_per_claim = q.Int(10);
  s.evidence = q.Text(11);
  s.evidence_file = q.Int(12) != 0;
  return s;
}

const char* kClaimSelect =
    "SELECT c.id, c.ccg, c.scheme_code, s.name, c.practice, c.period_label, c.period_first, c.period_last, c.units, "
    "c.state, c.evidence_note, c.question, c.answer, c.reason, c.amount_pence, c.explanation, c.payment_month, "
    "c.submitted_at, c.submitted_by, c.decided_at, c.decided_by "
    "FROM es_claims c JOIN es_schemes s ON s.ccg = c.ccg AND s.code = c.scheme_code ";

Result<ClaimRow> ClaimOf(store::Statement& q) {
  ClaimRow r;
  r.id = q.Int(0);
  r.ccg = q.Text(1);
  r.scheme_code = q.Text(2);
  r.scheme_name = q.Text(3);
  r.practice = q.Text(4);
  r.period_label = q.Text(5);
  CSU_ASSIGN_OR_RETURN(first, Date::Parse(q.Text(6)));
  CSU_ASSIGN_OR_RETURN(last, Date::Parse(q.Text(7)));
  r.period_first = first;
  r.period_last = last;
  r.units = q.Int(8);
  r.state = ParseClaimState(q.Text(9)).value_or(ClaimState::kSubmitted);
  r.evidence_note = q.Text(10);
  r.question = q.Text(11);
  r.answer = q.Text(12);
  r.reason = q.Text(13);
  r.amount_pence = q.Int(14);
  r.explanation = q.Text(15);
  r.payment_month = q.Text(16);
  r.submitted_at = q.Text(17);
  r.submitted_by = q.Text(18);
  r.decided_at = q.Text(19);
  r.decided_by = q.Text(20);
  return r;
}

// The scope's WHERE: the CCG always, the practice when set.
std::string ScopeWhere() { return "c.ccg = ?1 AND (?2 = '' OR c.practice = ?2)"; }

std::string Upper(std::string_view s) { return ToUpper(Trim(s)); }

Status AddEvent(store::SqliteDb& db, int64_t id, const ClaimsActor& a, const std::string& kind,
                const std::string& detail) {
  CSU_ASSIGN_OR_RETURN(ins, db.Prepare("INSERT INTO es_claim_events(claim_id, at, by, kind, detail) "
                                       "VALUES (?1,?2,?3,?4,?5)"));
  return ins.Bind(1, id).Bind(2, a.at).Bind(3, a.by).Bind(4, kind).Bind(5, detail).Run();
}

// "2024-12" -> "2025-01".
std::string NextMonth(const std::string& ym) {
  int y = std::stoi(ym.substr(0, 4)), m = std::stoi(ym.substr(5, 2));
  if (++m == 13) {
    m = 1;
    ++y;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  return buf;
}

// The month an approval made in `month` is paid in: that month (or the
// claimed period's last month when the approval comes before the period has
// ended: nothing is paid for a period before it is over), unless the
// CCG's schedule for it is already posted (the practices store's
// schedule_postings, in the same file, when it exists there), then the
// first month after it that is not. A posted schedule never changes.
Result<std::string> PaymentMonth(store::SqliteDb& db, const std::string& ccg, std::string month) {
  CSU_ASSIGN_OR_RETURN(has, db.Prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                                       "name='schedule_postings'"));
  CSU_ASSIGN_OR_RETURN(row, has.Step());
  if (!row || has.Int(0) == 0) return month;
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT count(*) FROM schedule_postings WHERE ccg = ?1 AND month = ?2"));
  for (int guard = 0; guard < 1200; ++guard) {
    q.Reset();
    q.Bind(1, ccg).Bind(2, month);
    CSU_ASSIGN_OR_RETURN(got, q.Step());
    if (!got || q.Int(0) == 0) return month;
    month = NextMonth(month);
  }
  return MakeError(db.path(), "no unposted payment month within a century of " + month);
}

std::string ClaimSubject(const ClaimScope&, const std::string& ccg, int64_t id) {
  return "ccg " + ccg + " claim " + std::to_string(id);
}

}  // namespace

ClaimsStore::ClaimsStore(PassKey, std::unique_ptr<store::SqliteDb> db, ClaimsAuditFn audit, std::string dir)
    : db_(std::move(db)), audit_(std::move(audit)), dir_(std::move(dir)) {}
ClaimsStore::~ClaimsStore() = default;

Result<std::unique_ptr<ClaimsStore>> ClaimsStore::Open(const std::string& dir, ClaimsAuditFn audit) {
  if (!audit) return MakeError(dir, "enhanced-service claims need an audit log");
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/primary-care.sqlite", ""));
  if (Status s = db->Exec("PRAGMA busy_timeout=5000"); !s.ok()) return s.error();
  {
    CSU_ASSIGN_OR_RETURN(mode, db->Prepare("PRAGMA journal_mode=WAL"));
    CSU_ASSIGN_OR_RETURN(row, mode.Step());
    if (!row || mode.Text(0) != "wal") return MakeError(db->path(), "cannot switch to WAL mode");
  }
  if (Status s = db->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"); !s.ok()) return s.error();
  store::SqliteDb& d = *db;
  Status init = store::InTransaction(d, [&]() -> Status {
    if (Status s = d.Exec(kSchema); !s.ok()) return s;
    CSU_ASSIGN_OR_RETURN(q, d.Prepare("SELECT value FROM es_meta WHERE key = 'schema_version'"));
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (row && q.Text(0) == "1") {
      q.Reset();
      if (Status s = d.Exec(kUpgrade1To2); !s.ok()) return s;
      return d.Exec(std::string("UPDATE es_meta SET value = '") + kVersion + "' WHERE key = 'schema_version'");
    }
    if (row) {
      if (q.Text(0) != kVersion)
        return MakeError(d.path(), "enhanced-service claims schema version " + q.Text(0) +
                                       " is not supported by this csu (it knows version " + kVersion + ")");
      return Status::Ok();
    }
    q.Reset();
    return d.Exec(std::string("INSERT INTO es_meta(key, value) VALUES ('schema_version', '") + kVersion + "')");
  });
  if (!init.ok()) return init.error();
  return std::make_unique<ClaimsStore>(PassKey{}, std::move(db), std::move(audit), dir);
}

Status ClaimsStore::Audit(const ClaimsActor& a, const std::string& action, const std::string& subject,
                          const std::string& json) {
  Status s = audit_(a.by, action, subject, json);
  if (!s.ok())
    return MakeError(s.error().where, "the change was made but its audit entry could not be written: " + s.error().why);
  return Status::Ok();
}

namespace {
std::string SchemeJson(const Scheme& s) {
  using store::JsonString;
  return "{\"name\":" + JsonString(s.name) + ",\"kind\":" + JsonString(std::string(SchemeKindName(s.kind))) +
         ",\"rule\":" + JsonString(std::string(PaymentRuleName(s.rule))) +
         ",\"fee_pence\":" + std::to_string(s.fee_pence) + ",\"window_from\":" + JsonString(s.window_from.ToString()) +
         ",\"window_to\":" + JsonString(s.window_to.ToString()) +
         ",\"frequency\":" + JsonString(std::string(FrequencyName(s.frequency))) +
         ",\"max_units\":" + std::to_string(s.max_units_per_claim) +
         ",\"evidence_file\":" + (s.evidence_file ? "true" : "false") + "}";
}

Status WriteScheme(store::SqliteDb& d, const Scheme& s, const ClaimsActor& a, bool insert) {
  const char* sql = insert
                        ? "INSERT INTO es_schemes(ccg, code, name, kind, specification, rule, fee_pence, window_from, "
                          "window_to, frequency, max_units, evidence, created_at, created_by, updated_at, updated_by, "
                          "evidence_file) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?13,?14,?15)"
                        : "UPDATE es_schemes SET name=?3, kind=?4, specification=?5, rule=?6, fee_pence=?7, "
                          "window_from=?8, window_to=?9, frequency=?10, max_units=?11, evidence=?12, updated_at=?13, "
                          "updated_by=?14, evidence_file=?15 WHERE ccg=?1 AND code=?2";
  CSU_ASSIGN_OR_RETURN(q, d.Prepare(sql));
  q.Bind(1, s.ccg).Bind(2, s.code).Bind(3, s.name).Bind(4, SchemeKindName(s.kind)).Bind(5, s.specification);
  q.Bind(6, PaymentRuleName(s.rule)).Bind(7, s.fee_pence).Bind(8, s.window_from.ToString());
  q.Bind(9, s.window_to.ToString()).Bind(10, FrequencyName(s.frequency)).Bind(11, s.max_units_per_claim);
  q.Bind(12, s.evidence).Bind(13, a.at).Bind(14, a.by).Bind(15, int64_t{s.evidence_file ? 1 : 0});
  return q.Run();
}
}  // namespace

Status ClaimsStore::AddScheme(Scheme scheme, const ClaimsActor& a) {
  if (Status s = ValidateScheme(scheme); !s.ok()) return s;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(existing, FindScheme(scheme.ccg, scheme.code));
    if (existing) return MakeError("scheme code", scheme.code + " is already a scheme of CCG " + scheme.ccg);
    return WriteScheme(*db_, scheme, a, true);
  });
  if (!s.ok()) return s;
  return Audit(a, "primary_care.scheme.add", "ccg " + scheme.ccg + " scheme " + scheme.code, SchemeJson(scheme));
}

Status ClaimsStore::UpdateScheme(Scheme scheme, const ClaimsActor& a) {
  if (Status s = ValidateScheme(scheme); !s.ok()) return s;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(existing, FindScheme(scheme.ccg, scheme.code));
    if (!existing) return MakeError("scheme code", scheme.code + " is not a scheme of CCG " + scheme.ccg);
    return WriteScheme(*db_, scheme, a, false);
  });
  if (!s.ok()) return s;
  return Audit(a, "primary_care.scheme.update", "ccg " + scheme.ccg + " scheme " + scheme.code, SchemeJson(scheme));
}

Result<std::vector<Scheme>> ClaimsStore::Schemes(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kSchemeColumns +
                                       " FROM es_schemes WHERE ccg = ?1 ORDER BY code"));
  q.Bind(1, Upper(ccg));
  std::vector<Scheme> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    CSU_ASSIGN_OR_RETURN(s, SchemeOf(q, db_->path()));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::optional<Scheme>> ClaimsStore::FindScheme(const std::string& ccg, const std::string& code) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string("SELECT ") + kSchemeColumns +
                                       " FROM es_schemes WHERE ccg = ?1 AND code = ?2"));
  q.Bind(1, Upper(ccg)).Bind(2, Upper(code));
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<Scheme>();
  CSU_ASSIGN_OR_RETURN(s, SchemeOf(q, db_->path()));
  return std::optional<Scheme>(std::move(s));
}

Result<int64_t> ClaimsStore::Submit(const ClaimScope& scope, NewClaim c, const ClaimsActor& a) {
  const std::string ccg = Upper(scope.ccg);
  c.practice = Upper(c.practice);
  if (c.practice.empty()) return MakeError("practice", "is required");
  if (!scope.practice.empty() && c.practice != Upper(scope.practice))
    return MakeError("practice", "a practice claims only for itself");
  std::string note;
  if (!Trim(c.evidence_note).empty()) {
    CSU_ASSIGN_OR_RETURN(n, CleanText("evidence", c.evidence_note, 4000));
    note = n;
  }
  if (c.file) {
    if (auto checked = CheckEvidence(c.file->file_name, c.file->bytes); !checked.ok()) return checked.error();
  }
  int64_t id = 0;
  std::string label, sha256;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(scheme, FindScheme(ccg, c.scheme_code));
    if (!scheme) return MakeError("scheme", "'" + Upper(c.scheme_code) + "' is not a scheme of CCG " + ccg);
    if (scheme->evidence_file && !c.file)
      return MakeError("evidence", "scheme " + scheme->code + " requires a file with each claim (" + scheme->evidence +
                                       "): attach a PDF, CSV, Excel, PNG or JPEG file");
    CSU_ASSIGN_OR_RETURN(period, ParseClaimPeriod(c.period, scheme->frequency));
    label = period.label;
    if (Status st = CheckClaim(*scheme, period, c.units, c.registered); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(dup, db_->Prepare("SELECT id, state FROM es_claims WHERE ccg=?1 AND scheme_code=?2 AND "
                                           "practice=?3 AND period_first=?4 AND state <> 'rejected'"));
    dup.Bind(1, ccg).Bind(2, scheme->code).Bind(3, c.practice).Bind(4, period.first.ToString());
    CSU_ASSIGN_OR_RETURN(found, dup.Step());
    if (found)
      return MakeError("period", "practice " + c.practice + " already has claim " + std::to_string(dup.Int(0)) + " (" +
                                     dup.Text(1) + ") for " + scheme->code + " " + period.label +
                                     "; answer its query or ask the CCG to reject it before claiming again");
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
        "INSERT INTO es_claims(ccg, scheme_code, practice, period_first, period_last, period_label, units, state, "
        "evidence_note, question, answer, reason, amount_pence, explanation, payment_month, submitted_at, "
        "submitted_by, decided_at, decided_by) VALUES (?1,?2,?3,?4,?5,?6,?7,'submitted',?8,'','','',0,'','',?9,?10,'','')"));
    ins.Bind(1, ccg).Bind(2, scheme->code).Bind(3, c.practice).Bind(4, period.first.ToString());
    ins.Bind(5, period.last.ToString()).Bind(6, period.label).Bind(7, c.units).Bind(8, note).Bind(9, a.at).Bind(10, a.by);
    if (Status st = ins.Run(); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(last, db_->Prepare("SELECT last_insert_rowid()"));
    CSU_ASSIGN_OR_RETURN(got, last.Step());
    id = got ? last.Int(0) : 0;
    if (c.file) {
      if (auto e = StoreEvidence(id, *c.file, a, &sha256); !e.ok()) return e.error();
    }
    return AddEvent(*db_, id, a, "submitted",
                    std::to_string(c.units) + " units" + (c.file ? ", with evidence " + sha256.substr(0, 12) : ""));
  });
  if (!s.ok()) return s.error();
  using store::JsonString;
  if (Status au = Audit(a, "primary_care.claim.submit", ClaimSubject(scope, ccg, id),
                        "{\"scheme\":" + JsonString(Upper(c.scheme_code)) + ",\"practice\":" + JsonString(c.practice) +
                            ",\"period\":" + JsonString(label) + ",\"units\":" + std::to_string(c.units) +
                            ",\"evidence_sha256\":" + JsonString(sha256) + "}");
      !au.ok())
    return au.error();
  return id;
}

Status ClaimsStore::Decide(const ClaimScope& scope, int64_t id, ClaimState to, const std::string& text_in,
                           const ClaimsActor& a) {
  const std::string ccg = Upper(scope.ccg);
  std::string text;
  if (to == ClaimState::kQueried) {
    CSU_ASSIGN_OR_RETURN(t, CleanText("question", text_in, 4000));
    text = t;
  } else if (to == ClaimState::kRejected) {
    CSU_ASSIGN_OR_RETURN(t, CleanText("reason", text_in, 4000));
    text = t;
  }
  std::string details;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(found, FindClaim(scope, id));
    if (!found) return MakeError("claim " + std::to_string(id), "no such claim");
    const ClaimRow& c = *found;
    const bool allowed = to == ClaimState::kRejected
                             ? (c.state == ClaimState::kSubmitted || c.state == ClaimState::kQueried)
                             : c.state == ClaimState::kSubmitted;
    if (!allowed)
      return MakeError("claim " + std::to_string(id), "is " + std::string(ClaimStateName(c.state)) + " and cannot be " +
                                                          (to == ClaimState::kApproved ? "approved"
                                                           : to == ClaimState::kQueried ? "queried"
                                                                                        : "rejected") +
                                                          (c.state == ClaimState::kQueried
                                                               ? " until the practice answers the query"
                                                               : ""));
    using store::JsonString;
    if (to == ClaimState::kApproved) {
      CSU_ASSIGN_OR_RETURN(scheme, FindScheme(ccg, c.scheme_code));
      if (!scheme) return MakeError("claim " + std::to_string(id), "its scheme has gone");
      CSU_ASSIGN_OR_RETURN(money, PriceClaim(*scheme, c.units));
      std::string decided = (a.today.empty() ? a.at : a.today).substr(0, 7);
      const std::string period_end = c.period_last.ToString().substr(0, 7);
      if (period_end > decided) decided = period_end;
      CSU_ASSIGN_OR_RETURN(month, PaymentMonth(*db_, ccg, decided));
      CSU_ASSIGN_OR_RETURN(u, db_->Prepare("UPDATE es_claims SET state='approved', amount_pence=?2, explanation=?3, "
                                           "payment_month=?4, decided_at=?5, decided_by=?6 WHERE id=?1"));
      u.Bind(1, id).Bind(2, money.pence).Bind(3, money.explanation).Bind(4, month).Bind(5, a.at).Bind(6, a.by);
      if (Status st = u.Run(); !st.ok()) return st;
      details = "{\"amount_pence\":" + std::to_string(money.pence) + ",\"explanation\":" +
                JsonString(money.explanation) + ",\"payment_month\":" + JsonString(month) + "}";
      return AddEvent(*db_, id, a, "approved", money.explanation + ", paid in " + month);
    }
    const bool query = to == ClaimState::kQueried;
    CSU_ASSIGN_OR_RETURN(u, db_->Prepare(query ? "UPDATE es_claims SET state='queried', question=?2, answer='' WHERE id=?1"
                                               : "UPDATE es_claims SET state='rejected', reason=?2, decided_at=?3, "
                                                 "decided_by=?4 WHERE id=?1"));
    u.Bind(1, id).Bind(2, text);
    if (!query) u.Bind(3, a.at).Bind(4, a.by);
    if (Status st = u.Run(); !st.ok()) return st;
    details = std::string("{\"") + (query ? "question" : "reason") + "\":" + JsonString(text) + "}";
    return AddEvent(*db_, id, a, query ? "queried" : "rejected", text);
  });
  if (!s.ok()) return s;
  const char* action = to == ClaimState::kApproved  ? "primary_care.claim.approve"
                       : to == ClaimState::kQueried ? "primary_care.claim.query"
                                                    : "primary_care.claim.reject";
  return Audit(a, action, ClaimSubject(scope, ccg, id), details);
}

Status ClaimsStore::Approve(const ClaimScope& scope, int64_t id, const ClaimsActor& a) {
  return Decide(scope, id, ClaimState::kApproved, "", a);
}
Status ClaimsStore::Query(const ClaimScope& scope, int64_t id, const std::string& q, const ClaimsActor& a) {
  return Decide(scope, id, ClaimState::kQueried, q, a);
}
Status ClaimsStore::Reject(const ClaimScope& scope, int64_t id, const std::string& r, const ClaimsActor& a) {
  return Decide(scope, id, ClaimState::kRejected, r, a);
}

Status ClaimsStore::Answer(const ClaimScope& scope, int64_t id, const std::string& answer_in,
                           std::optional<int64_t> units, std::optional<int64_t> registered, const ClaimsActor& a) {
  const std::string ccg = Upper(scope.ccg);
  CSU_ASSIGN_OR_RETURN(answer, CleanText("answer", answer_in, 4000));
  int64_t now_units = 0;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(found, FindClaim(scope, id));
    if (!found) return MakeError("claim " + std::to_string(id), "no such claim");
    if (found->state != ClaimState::kQueried)
      return MakeError("claim " + std::to_string(id),
                       "is " + std::string(ClaimStateName(found->state)) + ": only a queried claim is answered");
    now_units = units.value_or(found->units);
    CSU_ASSIGN_OR_RETURN(scheme, FindScheme(ccg, found->scheme_code));
    if (!scheme) return MakeError("claim " + std::to_string(id), "its scheme has gone");
    ClaimPeriod p{found->period_first, found->period_last, found->period_label};
    if (Status st = CheckClaim(*scheme, p, now_units, registered); !st.ok()) return st;
    CSU_ASSIGN_OR_RETURN(u, db_->Prepare("UPDATE es_claims SET state='submitted', answer=?2, units=?3 WHERE id=?1"));
    if (Status st = u.Bind(1, id).Bind(2, answer).Bind(3, now_units).Run(); !st.ok()) return st;
    return AddEvent(*db_, id, a, "answered",
                    answer + (now_units != found->units ? " (units " + std::to_string(found->units) + " → " +
                                                              std::to_string(now_units) + ")"
                                                        : ""));
  });
  if (!s.ok()) return s;
  return Audit(a, "primary_care.claim.answer", ClaimSubject(scope, ccg, id),
               "{\"answer\":" + store::JsonString(answer) + ",\"units\":" + std::to_string(now_units) + "}");
}

Result<std::vector<ClaimRow>> ClaimsStore::Claims(const ClaimScope& scope, std::optional<ClaimState> state) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string(kClaimSelect) + "WHERE " + ScopeWhere() +
                                       " AND (?3 = '' OR c.state = ?3) ORDER BY c.id DESC"));
  q.Bind(1, Upper(scope.ccg)).Bind(2, Upper(scope.practice)).Bind(3, state ? ClaimStateName(*state) : "");
  std::vector<ClaimRow> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    CSU_ASSIGN_OR_RETURN(r, ClaimOf(q));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::optional<ClaimRow>> ClaimsStore::FindClaim(const ClaimScope& scope, int64_t id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string(kClaimSelect) + "WHERE " + ScopeWhere() + " AND c.id = ?3"));
  q.Bind(1, Upper(scope.ccg)).Bind(2, Upper(scope.practice)).Bind(3, id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<ClaimRow>();
  CSU_ASSIGN_OR_RETURN(r, ClaimOf(q));
  return std::optional<ClaimRow>(std::move(r));
}

Result<std::vector<ClaimEvent>> ClaimsStore::History(const ClaimScope& scope, int64_t id) {
  CSU_ASSIGN_OR_RETURN(found, FindClaim(scope, id));
  std::vector<ClaimEvent> out;
  if (!found) return out;
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT at, by, kind, detail FROM es_claim_events WHERE claim_id = ?1 ORDER BY seq"));
  q.Bind(1, id);
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3)});
  }
  return out;
}

Result<std::vector<ClaimPaymentLine>> ClaimsStore::ApprovedClaimLines(const std::string& ccg, const std::string& month) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string(kClaimSelect) +
                                       "WHERE c.ccg = ?1 AND c.state = 'approved' AND c.payment_month = ?2 "
                                       "ORDER BY c.practice, c.id"));
  q.Bind(1, Upper(ccg)).Bind(2, month);
  std::vector<ClaimPaymentLine> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    CSU_ASSIGN_OR_RETURN(r, ClaimOf(q));
    ClaimPaymentLine l;
    l.claim_id = r.id;
    l.practice = r.practice;
    l.scheme_code = r.scheme_code;
    l.scheme_name = r.scheme_name;
    l.period_label = r.period_label;
    l.amount_pence = r.amount_pence;
    l.explanation = r.scheme_code + " " + r.period_label + ": " + r.explanation + " (claim " + std::to_string(r.id) + ")";
    out.push_back(std::move(l));
  }
  return out;
}

// ---- evidence ----

namespace {
const char* kEvidenceSelect =
    "SELECT e.id, e.claim_id, c.practice, e.file_name, e.media_type, e.sha256, e.bytes, e.uploaded_at, e.uploaded_by "
    "FROM es_evidence e JOIN es_claims c ON c.id = e.claim_id ";

EvidenceRow EvidenceOf(store::Statement& q) {
  return {q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Int(6), q.Text(7), q.Text(8)};
}
}  // namespace

Result<int64_t> ClaimsStore::StoreEvidence(int64_t claim, const NewClaim::File& file, const ClaimsActor& a,
                                           std::string* sha256) {
  CSU_ASSIGN_OR_RETURN(checked, CheckEvidence(file.file_name, file.bytes));
  const std::string hash = store::Sha256Hex(file.bytes);
  const std::string folder = dir_ + "/primary-care-evidence";
  const std::string path = folder + "/" + hash;
  // Content-addressed: a file already there with the right bytes is reused;
  // anything else there (a torn earlier write cannot be: the writer renames
  // a whole file) is replaced.
  auto existing = ReadFile(path);
  if (!existing.ok() || store::Sha256Hex(existing.value()) != hash) {
    if (Status st = MakeDirectories(folder); !st.ok()) return st.error();
    std::error_code ec;
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
    AtomicFileWriter w(path);
    if (Status st = w.Open(); !st.ok()) return st.error();
    w.Append(file.bytes);
    if (Status st = w.Commit(); !st.ok()) return st.error();
  }
  CSU_ASSIGN_OR_RETURN(ins, db_->Prepare("INSERT INTO es_evidence(claim_id, file_name, media_type, sha256, bytes, "
                                         "uploaded_at, uploaded_by) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
  ins.Bind(1, claim).Bind(2, checked.file_name).Bind(3, checked.media_type).Bind(4, hash);
  ins.Bind(5, static_cast<int64_t>(file.bytes.size())).Bind(6, a.at).Bind(7, a.by);
  if (Status st = ins.Run(); !st.ok()) return st.error();
  CSU_ASSIGN_OR_RETURN(last, db_->Prepare("SELECT last_insert_rowid()"));
  CSU_ASSIGN_OR_RETURN(got, last.Step());
  if (sha256 != nullptr) *sha256 = hash;
  return got ? last.Int(0) : int64_t{0};
}

Result<int64_t> ClaimsStore::AttachEvidence(const ClaimScope& scope, int64_t claim, const NewClaim::File& file,
                                            const ClaimsActor& a) {
  if (Upper(scope.practice).empty()) return MakeError("evidence", "only the practice that claims supplies evidence");
  CSU_ASSIGN_OR_RETURN(checked, CheckEvidence(file.file_name, file.bytes));
  const std::string ccg = Upper(scope.ccg);
  int64_t id = 0;
  std::string hash;
  Status s = store::InTransaction(*db_, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(found, FindClaim(scope, claim));
    if (!found) return MakeError("claim " + std::to_string(claim), "no such claim");
    if (found->state != ClaimState::kSubmitted && found->state != ClaimState::kQueried)
      return MakeError("claim " + std::to_string(claim),
                       "is " + std::string(ClaimStateName(found->state)) + ": evidence is added before the decision");
    CSU_ASSIGN_OR_RETURN(e, StoreEvidence(claim, file, a, &hash));
    id = e;
    return AddEvent(*db_, claim, a, "evidence", checked.file_name + " (" + std::to_string(file.bytes.size()) +
                                                   " bytes, " + hash.substr(0, 12) + ")");
  });
  if (!s.ok()) return s.error();
  using store::JsonString;
  if (Status au = Audit(a, "primary_care.claim.evidence", ClaimSubject(scope, ccg, claim),
                        "{\"evidence\":" + std::to_string(id) + ",\"file_name\":" + JsonString(checked.file_name) +
                            ",\"media_type\":" + JsonString(checked.media_type) + ",\"bytes\":" +
                            std::to_string(file.bytes.size()) + ",\"sha256\":" + JsonString(hash) + "}");
      !au.ok())
    return au.error();
  return id;
}

Result<std::vector<EvidenceRow>> ClaimsStore::Evidence(const ClaimScope& scope, int64_t claim) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string(kEvidenceSelect) + "WHERE " + ScopeWhere() +
                                       " AND (?3 = 0 OR e.claim_id = ?3) ORDER BY e.claim_id DESC, e.id"));
  q.Bind(1, Upper(scope.ccg)).Bind(2, Upper(scope.practice)).Bind(3, claim);
  std::vector<EvidenceRow> out;
  for (;;) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(EvidenceOf(q));
  }
  return out;
}

Result<std::optional<ClaimsStore::EvidenceFile>> ClaimsStore::ReadEvidence(const ClaimScope& scope, int64_t id) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(std::string(kEvidenceSelect) + "WHERE " + ScopeWhere() + " AND e.id = ?3"));
  q.Bind(1, Upper(scope.ccg)).Bind(2, Upper(scope.practice)).Bind(3, id);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return std::optional<EvidenceFile>();
  EvidenceFile f{EvidenceOf(q), ""};
  CSU_ASSIGN_OR_RETURN(bytes, ReadFile(dir_ + "/primary-care-evidence/" + f.row.sha256));
  if (store::Sha256Hex(bytes) != f.row.sha256)
    return MakeError("evidence " + std::to_string(id), "the stored file no longer matches its hash " + f.row.sha256);
  f.bytes = std::move(bytes);
  return std::optional<EvidenceFile>(std::move(f));
}

}  // namespace csu::primarycare
