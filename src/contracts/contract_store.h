// The commissioning database: contracts with their plans, and the challenge
// log. Embedded mode keeps it in the state folder (commissioning.sqlite,
// docs/store-format.md §10); server mode in PostgreSQL (§10a), shared by
// every node, through the same statements (store/sql.h). Every change is one
// transaction (SQLite: WAL, synchronous=FULL; PostgreSQL: under
// store::kCommissioningWriteLock), so a load either lands whole or leaves the
// database as it was, and is durable when the call returns.
//
//   CSU_ASSIGN_OR_RETURN(db, ContractStore::Open(dir));          // or OpenServer(pg::Connect(url))
//   CSU_ASSIGN_OR_RETURN(n, db->Replace(contracts, {now, actor, sha256}));
//   CSU_ASSIGN_OR_RETURN(year, db->Contracts(FinancialYear(2018)));
//
// Not thread-safe; open it under the state folder's lock (cli::OpenState).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "contracts/contract.h"
#include "core/result.h"

namespace csu::store {
class SqlConnection;
}

namespace csu::contracts {

enum class ChallengeStatus : uint8_t { kRaised, kAgreed, kRejected };
std::string_view StatusName(ChallengeStatus s);
std::optional<ChallengeStatus> ParseStatus(std::string_view s);

struct ChallengeLogEntry {
  int64_t seq = 0;
  std::string challenge;
  ChallengeStatus status = ChallengeStatus::kRaised;
  std::string note;
  std::string at;
  std::string actor;
};

// Who and what a change came from, for the database rows.
struct Provenance {
  std::string at;      // UTC ISO 8601
  std::string actor;
  std::string source_sha256;
};

class ContractStore {
 public:
  // Opens (creating) DIR/commissioning.sqlite. Errors name the file.
  static Result<std::unique_ptr<ContractStore>> Open(const std::string& dir);
  // Server mode: the tables in the connection's PostgreSQL schema (§10a),
  // created on first open under the commissioning lock, so two nodes
  // starting together create them once. Errors name the server, never the
  // password; a SQLite connection is refused (use Open).
  static Result<std::unique_ptr<ContractStore>> OpenServer(std::unique_ptr<store::SqlConnection> db);
  ~ContractStore();

  // Replaces each given contract (commissioner × provider × year) and its
  // plan lines, in one transaction; other contracts are untouched. Returns
  // how many of them replaced a contract already held.
  Result<int64_t> Replace(const std::vector<Contract>& contracts, const Provenance& from);

  // Every contract of `year`, ordered by commissioner then provider.
  Result<std::vector<Contract>> Contracts(FinancialYear year);
  // Every year that has at least one contract, ascending.
  Result<std::vector<FinancialYear>> Years();

  // Appends a status change for challenge `id`, which belongs to commissioner
  // `ccg` (its ODS code), with a note (required for agreed and rejected: a
  // commissioner must be able to say why). Server mode stores `ccg` with
  // the entry, so that row-level security scopes it to that CCG; a state
  // folder's log has no such column (§10) and does not keep it.
  Status SetChallengeStatus(const std::string& id, const std::string& ccg, ChallengeStatus status,
                            const std::string& note, const std::string& at, const std::string& actor);
  // The latest status of every challenge that has one (that the connection
  // may see: on the application role, its tenant's).
  Result<std::map<std::string, ChallengeLogEntry>> ChallengeStatuses();

  // Server mode, on the owner's connection: the challenges with entries
  // that name no commissioner (written before schema version 2, or copied
  // from a state folder by csu migrate), in id order. Empty for a state
  // folder.
  Result<std::vector<std::string>> ChallengesWithoutCcg();
  // Names the commissioner of those entries, one {id, ccg} at a time, in
  // one transaction: the only update the log allows (§10a). Returns how many
  // entries were named.
  Result<int64_t> NameChallengeCcgs(const std::vector<std::pair<std::string, std::string>>& id_ccg);

  struct PassKey {
    explicit PassKey() = default;
  };
  ContractStore(PassKey, std::unique_ptr<store::SqlConnection> db);

 private:
  std::unique_ptr<store::SqlConnection> db_;
};

}  // namespace csu::contracts
