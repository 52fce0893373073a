// The read-only reporting schema in PostgreSQL (issue #18, "Analysts' own
// tools"; tables in docs/store-format.md §18, connecting in docs/deploy.md
// §9): what Power BI's PostgreSQL connector and Excel over ODBC read.
//
//   CSU_ASSIGN_OR_RETURN(db, pg::Connect(url));              // the owner
//   CSU_ASSIGN_OR_RETURN(done, reporting::Publish(*db, "reporting", priced, ref, batches, actor));
//   reporting::Grant(*db, "reporting", "02E", "ccg_02e_bi", /*record_level=*/false, actor);
//
// * Publish replaces every row in ONE transaction (DELETE and INSERT, never
//   TRUNCATE, which is not MVCC-safe): a reader sees the old refresh or the
//   new one whole, never a mixture. Publishers are serialised by the advisory
//   lock kReportingWriteLock. The aggregates are checked against the
//   platform's activity cube before anything is written (CheckAgainstCube).
// * Row-level security, FORCEd so that not even the owner's ordinary
//   sessions skip it: a role reads the rows whose commissioner its mapping
//   in role_tenants names (several CCGs if mapped to several); the record
//   table needs the mapping's record_level as well. A role with no mapping
//   reads no row. The owner has a policy of its own (it publishes).
// * Grant makes (if missing) a LOGIN role without a password, maps it to a
//   CCG and gives it SELECT on the schema's tables and nothing else, with
//   default_transaction_read_only; it refuses superusers, BYPASSRLS roles
//   and the owner, whom RLS would not restrict.
// * Names (schema, role) must be plain identifiers: lower-case letters,
//   digits and _, at most 63 characters, so they can be spliced into DDL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql.h"

namespace csu::pricing {
struct PricedActivity;
}
namespace csu::refdata {
class RefData;
}
namespace csu::store {
struct BatchInfo;
}

namespace csu::reporting {

inline constexpr const char* kDefaultSchema = "reporting";
// The advisory lock publishers and grants take (store/sql.h's numbering:
// "OpenCSU" in the high bytes, 'R' for reporting in the low byte).
inline constexpr int64_t kReportingWriteLock = 0x4f70656e435355'52;
// The version of the schema's layout (docs/store-format.md §18), in refresh.format_version.
inline constexpr int64_t kFormatVersion = 1;

// Whether `name` may be used as a schema or role name here.
bool PlainIdentifier(std::string_view name);

struct PublishResult {
  int64_t refresh_id = 0;
  int64_t monthly_rows = 0;
  int64_t record_rows = 0;
  std::string batch_ids;  // "1,2,3": the active batches the refresh was made from
  std::string published_at;
};

// Creates the schema and its tables when missing (with their policies), then
// replaces the published rows in one transaction. `batches` are the state
// folder's active batches (removed ones are skipped); `now` is UTC ISO 8601.
Result<PublishResult> Publish(store::SqlConnection& owner, std::string_view schema, const pricing::PricedActivity& a,
                              const refdata::RefData& ref, const std::vector<store::BatchInfo>& batches,
                              const std::string& actor, const std::string& now);

// Maps `role` to `ccg` (an ODS code the reference data knows as a CCG is the
// caller's check), creating the role (LOGIN, no password) when missing.
// `record_level` also lets it read the record table.
Status Grant(store::SqlConnection& owner, std::string_view schema, std::string_view ccg, std::string_view role,
             bool record_level, const std::string& actor, const std::string& now);

// Removes the role's mapping to `ccg` (every CCG when empty); the role then
// reads no row of those CCGs. The role itself stays (drop it with DROP ROLE).
// Error when there was no such mapping.
Status Revoke(store::SqlConnection& owner, std::string_view schema, std::string_view ccg, std::string_view role);

struct RoleMapping {
  std::string role, ccg;
  bool record_level = false;
  std::string granted_at, granted_by;
};
Result<std::vector<RoleMapping>> ListMappings(store::SqlConnection& owner, std::string_view schema);

}  // namespace csu::reporting
