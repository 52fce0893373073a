// Test helper: the inputs of one checked-in fuzz corpus (fuzz/corpus/NAME),
// sorted by file name so failures come in a stable order. Used by the
// *_fuzz_corpus_test.cc files that replay a corpus through its target's
// checks in the default suite.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace csu::fuzz {

inline std::vector<std::pair<std::string, std::string>> CorpusInputs(const std::string& name) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CSU_SOURCE_DIR) + "/fuzz/corpus/" + name))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    out.emplace_back(path.filename().string(),
                     std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  }
  return out;
}

}  // namespace csu::fuzz
