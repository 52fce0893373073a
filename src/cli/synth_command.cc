#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace csu::cli {
void AddSynthCommand(CLI::App& app, Context& ctx) { (void)app; (void)ctx; }
}  // namespace csu::cli
