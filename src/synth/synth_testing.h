// Helpers shared by the synth module's tests: a scratch folder and the
// practices of a CCG from the test reference data. Test code only.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/codes.h"
#include "refdata/refdata.h"
#include "refdata/refdata_for_tests.h"

namespace csu::synth::testing {

// A fresh folder under the system temp folder, removed afterwards.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("csu-synth-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path() const { return path_.string(); }
  std::string file(const char* name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The first `n` practices of a CCG, in list order.
inline std::vector<OdsCode> PracticesOf(const char* ccg, size_t n) {
  std::vector<OdsCode> out;
  for (const auto& p : refdata::TestRefData().practices()) {
    if (p.ccg.view() == ccg && out.size() < n) out.push_back(p.code);
  }
  return out;
}

}  // namespace csu::synth::testing
