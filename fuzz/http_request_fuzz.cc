// libFuzzer target: the HTTP request parser (src/http/request_parser.h) over
// arbitrary bytes, checked by fuzz::CheckRequestParser (termination, the same
// outcome however the bytes are split, documented statuses only, the
// promised properties of accepted requests, and a round trip). In process,
// no sockets. Built and run by scripts/fuzz.sh.
#include "fuzz_target.h"
#include "http_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return csu::fuzz::RunTarget("http_request", data, size, csu::fuzz::CheckRequestParser);
}
