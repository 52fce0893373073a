// Opening the payroll database for a `csu payroll` command: the folder
// opened shared (payroll.sqlite is its own database), the payroll key that
// seals personal fields, the database, who is acting, where the audit goes
// and the platform date. In server mode (--database, docs/server-mode.md)
// the database is PostgreSQL's payroll tables and the audit entries go to
// its log (CommandAudit); the key is the same file on every node
// (docs/deploy.md, "The payroll key"). Shared by payroll_hr_command.cc and
// payroll_stored_run_command.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "core/date.h"
#include "payroll/payroll_store.h"
#include "store/field_cipher.h"

namespace csu::cli {

struct OpenedPayroll {
  std::unique_ptr<State> state;
  std::optional<store::FieldCipher> cipher;
  std::unique_ptr<payroll::PayrollStore> db;
  std::unique_ptr<CommandAudit> audit;  // the folder's catalog, or the server's log
  std::string database;                 // server mode's URL, "" for the state folder
  payroll::Actor actor;
  Date today;  // the platform date (docs/billing.md, "Platform date") or the UK date now
};

// The --payroll-key option of every command that opens the payroll database.
void AddPayrollKeyOption(CLI::App* command, std::string& payroll_key);

// Prints the error and returns nullopt when any part cannot be opened.
// `database` (--database) selects server mode; "" the state folder.
std::optional<OpenedPayroll> OpenPayroll(const Context& ctx, const StateArgs& state, const std::string& payroll_key,
                                         const std::string& database = "");

// The payroll key in server mode: the --payroll-key file (or its default
// place), created only while the server's payroll database has recorded no
// key yet (a new database), so a node never seals with a key of its own.
Result<store::FieldCipher> OpenServerPayrollCipher(const std::string& data_dir, const std::string& payroll_key,
                                                   const std::string& database);

// The payroll database in server mode with its key (csu serve, commands).
Result<std::unique_ptr<payroll::PayrollStore>> OpenServerPayroll(const std::string& database,
                                                                 const store::FieldCipher& cipher);

// Audits a change or a view; a view is audited BEFORE anything is shown (no
// audit, no view). The details never hold a personal field. On failure
// prints why and returns false.
bool AuditPayroll(OpenedPayroll& o, const std::string& action, const std::string& subject,
                  const nlohmann::json& details);

// The stored runs' outputs, posting and pay cost (payroll_stored_run_command.cc),
// added to the groups AddPayrollStaffCommands makes.
void AddPayrollStoredRunCommands(CLI::App& payroll, CLI::App& run, CLI::App& employers, CLI::App& employees,
                                 Context& ctx);

}  // namespace csu::cli
