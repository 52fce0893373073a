// The body every libFuzzer target shares: one check over the input, and an
// abort naming the target when an invariant fails (libFuzzer then keeps the
// input as a crash). The check sees a view of libFuzzer's own exactly-sized
// buffer, so a read one past the end of the input is caught by
// AddressSanitizer.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     return csu::fuzz::RunTarget("qof", data, size, csu::fuzz::CheckQofFiles);
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace csu::fuzz {

// `check` takes the input as a std::string_view and returns "" when every
// invariant holds, else what was violated.
template <typename Check>
int RunTarget(const char* name, const uint8_t* data, size_t size, Check&& check) {
  const std::string problem = check(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "%s invariant violated: %s\n", name, problem.c_str());
    std::abort();
  }
  return 0;
}

}  // namespace csu::fuzz
