// How subcommands plug into the `csu` command line. Each subcommand lives in
// its own file and registers itself on the root CLI11 app; its callback
// stores the work to run in `Context::action`, which Run() calls after the
// whole command line parsed cleanly. Kept free of CLI11 so that only the
// command files pay for its compile time.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace csu::cli {

// Options every subcommand may use, and the chosen subcommand's action.
struct Context {
  std::string refdata_dir;  // --refdata; empty = the default lookup
  // Returns the exit code. Expected failures are returned as Status values
  // and printed by the action itself via PrintError().
  std::function<int()> action;
};

// Prints "csu: <message>" on stderr.
void PrintError(const std::string& message);

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the command could not do its job
inline constexpr int kExitUsage = 2;     // bad command line
inline constexpr int kExitSoftware = 70; // unexpected internal error

// Prints the message (PrintError) and returns the exit code: an action's
// `return Fail("--ccg: ...", kExitUsage);`.
int Fail(const std::string& message, int code = kExitFailure);

void AddVersionCommand(CLI::App& app, Context& ctx);
void AddRefdataCommand(CLI::App& app, Context& ctx);
void AddSynthCommand(CLI::App& app, Context& ctx);
void AddPriceCommand(CLI::App& app, Context& ctx);
void AddSpcCommand(CLI::App& app, Context& ctx);
void AddIngestCommand(CLI::App& app, Context& ctx);
void AddStoreCommands(CLI::App& app, Context& ctx);
void AddContractsCommand(CLI::App& app, Context& ctx);
void AddReportCommand(CLI::App& app, Context& ctx);
void AddUsersCommand(CLI::App& app, Context& ctx);
void AddServeCommand(CLI::App& app, Context& ctx);
void AddBillingCommands(CLI::App& app, Context& ctx);
void AddPrimaryCareCommands(CLI::App& app, Context& ctx);
void AddPayrollCommands(CLI::App& app, Context& ctx);
// Employers, staff, posts, absence, import and pay runs under `csu payroll`
// (payroll_hr_command.cc).
void AddPayrollStaffCommands(CLI::App& payroll, Context& ctx);
void AddLedgerCommands(CLI::App& app, Context& ctx);
void AddProcurementCommands(CLI::App& app, Context& ctx);
void AddChcCommands(CLI::App& app, Context& ctx);

}  // namespace csu::cli
