// What every corpus replay test needs (src/*/*_fuzz_corpus_test.cc): the
// checked-in inputs of a fuzz target's corpus, and the prefixes of an input
// to try, so the default suite keeps every input the fuzzer ever needed
// fixed, without clang. Header-only, test code.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace csu::fuzz {

struct CorpusInput {
  std::string path;
  std::string data;
};

// The files of fuzz/corpus/<name>, sorted by name, with their bytes.
inline std::vector<CorpusInput> CorpusFiles(const std::string& name) {
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CSU_SOURCE_DIR) + "/fuzz/corpus/" + name))
    if (e.is_regular_file()) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<CorpusInput> out;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    out.push_back({p.string(), std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())});
  }
  return out;
}

// Prefix lengths of an input of `size` bytes: 0, then about `steps` evenly
// spaced ones, and the whole; every length when `steps` is 0.
inline std::vector<size_t> PrefixLengths(size_t size, size_t steps = 16) {
  std::vector<size_t> out;
  const size_t step = steps == 0 ? 1 : std::max<size_t>(1, size / steps);
  for (size_t n = 0; n < size; n += step) out.push_back(n);
  out.push_back(size);
  return out;
}

}  // namespace csu::fuzz
