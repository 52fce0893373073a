#include "contracts/contract_store.h"

#include <algorithm>

#include "core/text.h"
#include "store/sqlite_db.h"

namespace csu::contracts {
namespace {

constexpr int kSchemaVersion = 1;

const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE contracts(
  id INTEGER PRIMARY KEY,
  commissioner TEXT NOT NULL, provider TEXT NOT NULL, year INTEGER NOT NULL,
  mret_baseline_pence INTEGER,
  mret_rate_percent INTEGER NOT NULL,
  readmission_rule INTEGER NOT NULL,
  loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL, source_sha256 TEXT NOT NULL,
  UNIQUE(commissioner, provider, year));
CREATE TABLE plan_lines(
  contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  pod TEXT NOT NULL,
  activity INTEGER NOT NULL, value_pence INTEGER NOT NULL,
  profile TEXT NOT NULL,
  PRIMARY KEY(contract_id, pod));
CREATE TABLE challenge_log(
  seq INTEGER PRIMARY KEY,
  challenge TEXT NOT NULL,
  status TEXT NOT NULL,
  note TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL);
CREATE INDEX challenge_log_by_id ON challenge_log(challenge, seq);
CREATE TRIGGER challenge_log_no_update BEFORE UPDATE ON challenge_log
  BEGIN SELECT RAISE(ABORT, 'the challenge log is append-only'); END;
CREATE TRIGGER challenge_log_no_delete BEFORE DELETE ON challenge_log
  BEGIN SELECT RAISE(ABORT, 'the challenge log is append-only'); END;
)sql";

std::string ProfileText(const Profile& p) {
  std::string s;
  for (size_t i = 0; i < p.size(); ++i) {
    if (i) s += ';';
    s += std::to_string(p[i]);
  }
  return s;
}

Result<Profile> ProfileFrom(const std::string& text, const std::string& where) {
  std::vector<std::string_view> parts = Split(text, ';');
  Profile p{};
  if (parts.size() != 12) return MakeError(where, "damaged plan line: profile has " + std::to_string(parts.size()) + " weights");
  for (size_t i = 0; i < 12; ++i) {
    std::optional<int64_t> w = ParseInt(parts[i]);
    if (!w || *w < 0) return MakeError(where, "damaged plan line: bad profile weight");
    p[i] = *w;
  }
  return p;
}

}  // namespace

std::string_view StatusName(ChallengeStatus s) {
  switch (s) {
    case ChallengeStatus::kRaised: return "raised";
    case ChallengeStatus::kAgreed: return "agreed";
    case ChallengeStatus::kRejected: return "rejected";
  }
  return "raised";
}

std::optional<ChallengeStatus> ParseStatus(std::string_view s) {
  if (s == "raised") return ChallengeStatus::kRaised;
  if (s == "agreed") return ChallengeStatus::kAgreed;
  if (s == "rejected") return ChallengeStatus::kRejected;
  return std::nullopt;
}

ContractStore::ContractStore(PassKey, std::unique_ptr<store::SqliteDb> db) : db_(std::move(db)) {}
ContractStore::~ContractStore() = default;

Result<std::unique_ptr<ContractStore>> ContractStore::Open(const std::string& dir) {
  CSU_ASSIGN_OR_RETURN(db, store::SqliteDb::Open(dir + "/commissioning.sqlite", ""));
  auto cs = std::make_unique<ContractStore>(PassKey(), std::move(db));
  if (Status s = cs->Init(); !s.ok()) return s.error();
  return cs;
}

Status ContractStore::Init() {
  return store::PrepareSchema(*db_, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", kSchema, kSchemaVersion,
                              "commissioning database");
}

Result<int64_t> ContractStore::Replace(const std::vector<Contract>& contracts, const Provenance& from) {
  int64_t replaced = 0;
  store::SqliteDb& d = *db_;
  Status s = store::InTransaction(d, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(del, d.Prepare("DELETE FROM contracts WHERE commissioner=?1 AND provider=?2 AND year=?3"));
    CSU_ASSIGN_OR_RETURN(changes, d.Prepare("SELECT changes()"));
    CSU_ASSIGN_OR_RETURN(ins, d.Prepare(
        "INSERT INTO contracts(commissioner, provider, year, mret_baseline_pence, mret_rate_percent, "
        "readmission_rule, loaded_at, loaded_by, source_sha256) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"));
    CSU_ASSIGN_OR_RETURN(last, d.Prepare("SELECT last_insert_rowid()"));
    CSU_ASSIGN_OR_RETURN(line, d.Prepare(
        "INSERT INTO plan_lines(contract_id, pod, activity, value_pence, profile) VALUES (?1,?2,?3,?4,?5)"));
    for (const Contract& c : contracts) {
      del.Reset();
      if (Status st = del.Bind(1, c.commissioner.view()).Bind(2, c.provider.view()).Bind(3, c.year.start_year()).Run();
          !st.ok())
        return st;
      changes.Reset();
      CSU_ASSIGN_OR_RETURN(got, changes.Step());
      if (got && changes.Int(0) > 0) ++replaced;
      changes.Reset();
      ins.Reset();
      ins.Bind(1, c.commissioner.view()).Bind(2, c.provider.view()).Bind(3, c.year.start_year());
      if (c.mret_baseline) ins.Bind(4, c.mret_baseline->pence());
      else ins.BindNull(4);
      ins.Bind(5, c.mret_rate_percent).Bind(6, c.readmission_rule ? 1 : 0);
      ins.Bind(7, from.at).Bind(8, from.actor).Bind(9, from.source_sha256);
      if (Status st = ins.Run(); !st.ok()) return st;
      last.Reset();
      CSU_ASSIGN_OR_RETURN(has_id, last.Step());
      const int64_t id = has_id ? last.Int(0) : 0;
      last.Reset();
      for (const PlanLine& l : c.lines) {
        line.Reset();
        line.Bind(1, id).Bind(2, pricing::PodCode(l.pod)).Bind(3, l.activity).Bind(4, l.value.pence());
        line.Bind(5, ProfileText(l.profile));
        if (Status st = line.Run(); !st.ok()) return st;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return replaced;
}

Result<std::vector<Contract>> ContractStore::Contracts(FinancialYear year) {
  store::SqliteDb& d = *db_;
  CSU_ASSIGN_OR_RETURN(q, d.Prepare(
      "SELECT c.id, c.commissioner, c.provider, c.mret_baseline_pence, c.mret_rate_percent, c.readmission_rule, "
      "p.pod, p.activity, p.value_pence, p.profile FROM contracts c LEFT JOIN plan_lines p ON p.contract_id = c.id "
      "WHERE c.year = ?1 ORDER BY c.commissioner, c.provider, c.id"));
  q.Bind(1, year.start_year());
  std::vector<Contract> out;
  int64_t current = -1;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    if (q.Int(0) != current) {
      current = q.Int(0);
      Contract c;
      CSU_ASSIGN_OR_RETURN(commissioner, OdsCode::Parse(q.Text(1)));
      CSU_ASSIGN_OR_RETURN(provider, OdsCode::Parse(q.Text(2)));
      c.commissioner = commissioner;
      c.provider = provider;
      c.year = year;
      if (!q.IsNull(3)) c.mret_baseline = Money::FromPence(q.Int(3));
      c.mret_rate_percent = static_cast<int32_t>(q.Int(4));
      c.readmission_rule = q.Int(5) != 0;
      out.push_back(std::move(c));
    }
    if (q.IsNull(6)) continue;
    const std::string where = d.path() + ": contract " + std::to_string(current);
    std::optional<pricing::Pod> pod = ParsePod(q.Text(6));
    if (!pod) return MakeError(where, "damaged plan line: unknown POD \"" + q.Text(6) + "\"");
    CSU_ASSIGN_OR_RETURN(profile, ProfileFrom(q.Text(9), where));
    out.back().lines.push_back(PlanLine{*pod, q.Int(7), Money::FromPence(q.Int(8)), profile});
  }
  for (Contract& c : out)
    std::sort(c.lines.begin(), c.lines.end(), [](const PlanLine& a, const PlanLine& b) { return a.pod < b.pod; });
  return out;
}

Result<std::vector<FinancialYear>> ContractStore::Years() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT DISTINCT year FROM contracts ORDER BY year"));
  std::vector<FinancialYear> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back(FinancialYear(static_cast<int32_t>(q.Int(0))));
  }
  return out;
}

Status ContractStore::SetChallengeStatus(const std::string& id, ChallengeStatus status, const std::string& note,
                                         const std::string& at, const std::string& actor) {
  if (status != ChallengeStatus::kRaised && Trim(note).empty())
    return MakeError("challenge " + id, "a note saying why is required to mark a challenge " +
                                            std::string(StatusName(status)));
  store::SqliteDb& d = *db_;
  return store::InTransaction(d, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(ins, d.Prepare("INSERT INTO challenge_log(challenge, status, note, at, actor) VALUES (?1,?2,?3,?4,?5)"));
    return ins.Bind(1, id).Bind(2, StatusName(status)).Bind(3, note).Bind(4, at).Bind(5, actor).Run();
  });
}

Result<std::map<std::string, ChallengeLogEntry>> ContractStore::ChallengeStatuses() {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare("SELECT seq, challenge, status, note, at, actor FROM challenge_log ORDER BY seq"));
  std::map<std::string, ChallengeLogEntry> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    ChallengeLogEntry e;
    e.seq = q.Int(0);
    e.challenge = q.Text(1);
    e.status = ParseStatus(q.Text(2)).value_or(ChallengeStatus::kRaised);
    e.note = q.Text(3);
    e.at = q.Text(4);
    e.actor = q.Text(5);
    out[e.challenge] = std::move(e);  // later entries win
  }
  return out;
}

}  // namespace csu::contracts
