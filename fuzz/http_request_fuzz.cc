// libFuzzer target: the HTTP request parser (src/http/request_parser.h) over
// arbitrary bytes, checked by fuzz::CheckRequestParser (termination, the same
// outcome however the bytes are split, documented statuses only, the
// promised properties of accepted requests, and a round trip). In process,
// no sockets. Built and run by scripts/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string problem = csu::fuzz::CheckRequestParser(text);
  if (!problem.empty()) {
    std::fprintf(stderr, "http_request invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
