// A blocking HTTP/1.1 client for node-to-node requests (docs/server-mode.md,
// "Partitions"): one request to http://HOST:PORT or https://HOST:PORT, a
// whole-request deadline, a bounded response; libcurl underneath. No
// redirects, no proxies (the environment's are ignored), the target sent as
// given (no path normalising, so what the sender signed is what the receiver
// sees): it talks only to other csu nodes named in the partition map. Over
// https the node's certificate is checked against `ca_file` (or the system's
// CAs) and its name against the URL's host.
//
//   auto r = http::Get("https://node-b:8443", "/internal/v1/partials?group=g1", {{"X-Csu-Node-Time", "..."}}, 5000);
//   if (r.ok() && r.value().status == 200) use(r.value().body);
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace csu::http {

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
};

struct ClientRequest {
  std::string method = "GET";
  std::string base_url;  // http://HOST:PORT
  std::string target;    // path and query, as the receiver will see it
  std::vector<std::pair<std::string, std::string>> headers;  // Host, Connection and Content-Length are added here
  std::string body;      // sent with a Content-Length when not empty, or when the method is POST
  int timeout_ms = 10000;               // the whole request, connecting included
  size_t max_bytes = size_t{64} << 20;  // of the answer's body
  std::string ca_file;                  // https: the CAs (PEM) to trust; empty = the system's
};

// Sends `request` and reads the whole answer. Errors name the URL and say
// why (refused, timed out, malformed answer). `connected`, when given, says
// whether a connection was made: when it was not, the receiver cannot have
// seen the request, so even a POST may be sent elsewhere.
Result<ClientResponse> Send(const ClientRequest& request, bool* connected = nullptr);

// GETs `target` (path and query) from `base_url` (http:// or https://HOST:PORT).
Result<ClientResponse> Get(const std::string& base_url, const std::string& target,
                           const std::vector<std::pair<std::string, std::string>>& headers, int timeout_ms,
                           size_t max_bytes = size_t{64} << 20, const std::string& ca_file = "");

}  // namespace csu::http
