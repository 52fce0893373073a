#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/command.h"
#include "cli/reporting_command.h"

namespace csu::cli {

void PrintError(const std::string& message) { std::fprintf(stderr, "csu: %s\n", message.c_str()); }

int Fail(const std::string& message, int code) {
  PrintError(message);
  return code;
}

// csu migrate (migrate_command.cc); declared here rather than in command.h,
// which every command file includes.
void AddMigrateCommand(CLI::App& app, Context& ctx);
// csu app-role (app_role_command.cc).
void AddAppRoleCommand(CLI::App& app, Context& ctx);

void AddVersionCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("version", "Print the version of csu");
  cmd->callback([&ctx] {
    ctx.action = [] {
      std::printf("csu %s\n", CSU_VERSION);
      return kExitOk;
    };
  });
}

int Run(int argc, char** argv) {
  Context ctx;
  CLI::App app{
      "OpenCSU: an open commissioning support platform.\n"
      "Prices hospital activity at national tariff, monitors contracts and serves\n"
      "commissioners; keeps the CSU's and its CCGs' ledgers, payroll and HR, continuing\n"
      "healthcare, primary care payments and procurement; bills the CCGs; from one binary.",
      "csu"};
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--refdata", ctx.refdata_dir,
                 "Reference data directory (default: $CSU_REFDATA, ./data/refdata, or the source tree's)")
      ->check(CLI::ExistingDirectory);
  app.set_version_flag("--version", std::string("csu ") + CSU_VERSION);
  AddVersionCommand(app, ctx);
  AddRefdataCommand(app, ctx);
  AddSynthCommand(app, ctx);
  AddIngestCommand(app, ctx);
  AddStoreCommands(app, ctx);
  AddPriceCommand(app, ctx);
  AddSpcCommand(app, ctx);
  AddContractsCommand(app, ctx);
  AddReportCommand(app, ctx);
  AddUsersCommand(app, ctx);
  AddBillingCommands(app, ctx);
  AddPrimaryCareCommands(app, ctx);
  AddPayrollCommands(app, ctx);
  AddLedgerCommands(app, ctx);
  AddProcurementCommands(app, ctx);
  AddChcCommands(app, ctx);
  AddReportingCommands(app, ctx);
  AddMigrateCommand(app, ctx);
  AddAppRoleCommand(app, ctx);
  AddServeCommand(app, ctx);
  AddPartitionsCommand(app, ctx);
  app.footer("Run 'csu COMMAND --help' for the options of one command.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // The deepest command the user reached, so messages and help fit it.
    CLI::App* reached = &app;
    std::string path = "csu";
    for (bool deeper = true; deeper;) {
      deeper = false;
      for (CLI::App* sub : reached->get_subcommands()) {
        reached = sub;
        path += " " + sub->get_name();
        deeper = true;
        break;
      }
    }
    std::vector<std::string> stray = app.remaining();
    if (!stray.empty() && !stray[0].empty() && stray[0][0] != '-' && reached->get_require_subcommand_min() > 0) {
      std::string names;
      for (const CLI::App* sub : reached->get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
      PrintError("unknown command '" + stray[0] + "' for '" + path + "'; commands are: " + names);
    } else if (e.get_name() == "RequiredError" && reached->get_require_subcommand_min() > 0 &&
               reached->get_subcommands().empty()) {
      // "csu refdata" alone: show what it can do rather than a bare complaint.
      std::fputs(reached->help().c_str(), stderr);
      return kExitUsage;
    } else {
      // CLI11's own message names the option and the problem.
      PrintError(e.what());
    }
    std::fprintf(stderr, "Run '%s --help' for usage.\n", path.c_str());
    return kExitUsage;
  }
  if (!ctx.action) {
    PrintError("no command given; run 'csu --help'");
    return kExitUsage;
  }
  try {
    return ctx.action();
  } catch (const std::exception& e) {
    PrintError(std::string("internal error: ") + e.what());
    return kExitSoftware;
  }
}

}  // namespace csu::cli
