// Test helper: runs the built `csu` binary (CSU_BINARY, a compile definition
// of csu_tests) with arguments, capturing stdout and stderr together.
#pragma once

#include <sys/wait.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace csu::cli::testing {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// The `--refdata` option naming the source tree's reference data, with a
// trailing space, to prefix command lines with.
inline const std::string kRefdata = std::string("--refdata ") + CSU_SOURCE_DIR + "/data/refdata ";

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline Outcome RunCsu(const std::string& args) {
  std::string command = std::string(CSU_BINARY) + " " + args + " 2>&1";
  Outcome out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// A fresh scratch folder for one test process, temp/<prefix>-<pid>: emptied,
// with keys/ for the pseudonymisation key and pw.txt holding a password the
// policy accepts (for `users add ... --password-stdin < pw.txt`).
inline std::filesystem::path FreshScratch(const std::string& prefix) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "keys");
  std::ofstream(root / "pw.txt") << "tangerine lorry whistle\n";
  return root;
}

// Runs `csu ARGS` on the scratch folder `root`: its state is root/state and
// its pseudonymisation key root/keys/pseudo.key. ARGS is what a user types
// after `csu` (options after the subcommand's own words, as a user types
// them); `extra` options are added after them, and a trailing " < FILE"
// redirect in ARGS stays last.
inline Outcome RunCsuOn(const std::filesystem::path& root, const std::string& args, const std::string& extra = "") {
  const size_t redirect = args.find(" <");
  return RunCsu(kRefdata + args.substr(0, redirect) + " --data " + (root / "state").string() + " --key " +
                (root / "keys" / "pseudo.key").string() + extra +
                (redirect == std::string::npos ? "" : args.substr(redirect)));
}

}  // namespace csu::cli::testing
