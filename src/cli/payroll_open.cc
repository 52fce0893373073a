#include "cli/payroll_open.h"

#include "cli/field_key.h"
#include "core/uk_time.h"
#include "pg/pg_connection.h"
#include "store/env.h"
#include "store/platform_date.h"

namespace csu::cli {

void AddPayrollKeyOption(CLI::App* command, std::string& payroll_key) {
  command->add_option("--payroll-key", payroll_key,
                      "Key file sealing personal fields, outside the state folder (default: $CSU_PAYROLL_KEY_FILE or "
                      "~/.config/opencsu/payroll.key)");
}

Result<store::FieldCipher> OpenServerPayrollCipher(const std::string& data_dir, const std::string& payroll_key,
                                                   const std::string& database) {
  if (!pg::IsPostgresUrl(database)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  CSU_ASSIGN_OR_RETURN(db, pg::Connect(database));
  CSU_ASSIGN_OR_RETURN(has_key, payroll::PayrollStore::ServerHasKey(*db));
  const std::string path = KeyPath(payroll_key, "CSU_PAYROLL_KEY_FILE", "payroll.key");
  // The same rule as the folder's: outside the state folder; created only
  // with a new database (here: one that has recorded no key).
  return OpenFieldKeyOutside(data_dir, path, store::kPayrollCipherDomain, !has_key);
}

Result<std::unique_ptr<payroll::PayrollStore>> OpenServerPayroll(const std::string& database,
                                                                 const store::FieldCipher& cipher) {
  if (!pg::IsPostgresUrl(database)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  CSU_ASSIGN_OR_RETURN(db, pg::Connect(database));
  return payroll::PayrollStore::OpenServer(std::move(db), cipher);
}

std::optional<OpenedPayroll> OpenPayroll(const Context& ctx, const StateArgs& state, const std::string& payroll_key,
                                         const std::string& database) {
  OpenedPayroll o;
  o.database = database;
  o.state = OpenOrPrint(ctx, state, Access::kShared);  // payroll.sqlite is its own database
  if (!o.state) return std::nullopt;
  auto cipher = database.empty() ? OpenPayrollCipher(state.data_dir, payroll_key)
                                 : OpenServerPayrollCipher(state.data_dir, payroll_key, database);
  if (!cipher.ok()) {
    PrintError(cipher.error().ToString());
    return std::nullopt;
  }
  o.cipher.emplace(std::move(cipher).value());
  auto db = database.empty() ? payroll::PayrollStore::Open(state.data_dir, *o.cipher)
                             : OpenServerPayroll(database, *o.cipher);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return std::nullopt;
  }
  o.db = std::move(db).value();
  auto audit = CommandAudit::Open(*o.state->store, database);
  if (!audit.ok()) {
    PrintError(audit.error().ToString());
    return std::nullopt;
  }
  o.audit = std::move(audit).value();
  const std::string now = store::Env::Default().NowUtc();
  o.actor = {now, "cli:" + o.state->actor};
  auto platform = store::ReadPlatformDate(state.data_dir);
  o.today = platform.ok() && platform.value() ? *platform.value() : UkDateOfTimestamp(now).value_or(Date());
  return o;
}

bool AuditPayroll(OpenedPayroll& o, const std::string& action, const std::string& subject,
                  const nlohmann::json& details) {
  if (Status s = o.audit->Append(o.state->actor, action, subject, details.dump()); !s.ok()) {
    PrintError("audit entry not written: " + s.error().ToString());
    return false;
  }
  return true;
}

}  // namespace csu::cli
