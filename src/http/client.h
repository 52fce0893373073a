// A minimal blocking HTTP/1.1 client for node-to-node requests on a private
// network (docs/server-mode.md, "Partitions"): one GET to http://HOST:PORT,
// `Connection: close`, a whole-request deadline, a bounded response. No TLS,
// no redirects, no chunked bodies (csu serve answers with Content-Length),
// no proxies: it talks only to other csu nodes named in the partition map.
//
//   auto r = http::Get("http://127.0.0.1:8081", "/internal/v1/partials?group=g1", {{"X-Csu-Node-Time", "..."}}, 5000);
//   if (r.ok() && r.value().status == 200) use(r.value().body);
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace csu::http {

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
};

// GETs `target` (path and query) from `base_url` (http://HOST:PORT).
// Errors name the URL and say why (refused, timed out, malformed answer).
Result<ClientResponse> Get(const std::string& base_url, const std::string& target,
                           const std::vector<std::pair<std::string, std::string>>& headers, int timeout_ms,
                           size_t max_bytes = size_t{64} << 20);

// Parses a whole HTTP/1.1 response (status line, headers, body by
// Content-Length or to the end). Errors say what is wrong with it.
Result<ClientResponse> ParseResponse(std::string_view bytes);

}  // namespace csu::http
