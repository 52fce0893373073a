// The single `csu` binary: command line, batch engine and (later) web server.
#include "cli/app.h"

int main(int argc, char** argv) { return csu::cli::Run(argc, argv); }
