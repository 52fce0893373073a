#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/command.h"

namespace csu::cli {

void PrintError(const std::string& message) { std::fprintf(stderr, "csu: %s\n", message.c_str()); }

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
      "Prices hospital activity at national tariff, monitors contracts and\n"
      "serves commissioners, from one binary.",
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
    // CLI11's own message names the option and the problem; add a pointer to help.
    PrintError(e.what());
    std::fprintf(stderr, "Run 'csu --help' or 'csu COMMAND --help' for usage.\n");
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
