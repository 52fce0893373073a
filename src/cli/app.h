// The `csu` command line: parses arguments, dispatches to a subcommand and
// turns every outcome into an exit code. Expected failures print
// "csu: <where>: <why>" on stderr and exit 1; usage errors exit 2; an
// unexpected exception is caught here, reported and exits 70 (EX_SOFTWARE).
#pragma once

namespace csu::cli {

int Run(int argc, char** argv);

}  // namespace csu::cli
