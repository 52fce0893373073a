#include "http/client.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>

namespace csu::http {
namespace {

struct Received {
  ClientResponse response;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Received*>(user);
  const size_t n = size * count;
  if (r->response.body.size() + n > r->max_bytes) {
    r->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  r->response.body.append(data, n);
  return n;
}

// One header line at a time, the status line included; names lower-cased.
// Only the last response's headers are kept (a 100 Continue's are dropped).
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Received*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    r->response.headers.clear();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  r->response.headers.emplace_back(std::move(name), std::string(value));
  return n;
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

Result<ClientResponse> Send(const ClientRequest& req, bool* connected) {
  if (connected != nullptr) *connected = false;
  const std::string& base_url = req.base_url;
  const std::string& target = req.target;
  const std::string where = base_url + target.substr(0, target.find('?'));
  if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0)
    return MakeError(where, "only http:// and https:// base URLs are supported");
  if (base_url.find_first_of("/?#", base_url.find("//") + 2) != std::string::npos)
    return MakeError(where, "the base URL is a scheme, a host and a port, with no path");
  if (target.empty() || target[0] != '/' || target.find_first_of(" \r\n#") != std::string::npos)
    return MakeError(where, "the target must start with / and hold no space, # or line break");
  if (req.method.empty() || req.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
    return MakeError(where, "the method must be upper-case letters");
  for (const auto& [k, v] : req.headers)
    if (k.empty() || k.find_first_of("\r\n: ") != std::string::npos || v.find_first_of("\r\n") != std::string::npos)
      return MakeError(where, "a header holds a line break");

  static std::once_flag global;
  std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return MakeError(where, "could not start an HTTP client");
  CURL* c = curl.get();
  Received got;
  got.max_bytes = req.max_bytes;
  char errors[CURL_ERROR_SIZE] = {0};
  const std::string url = base_url + target;
  // Headers: the caller's, then none of curl's own defaults that the old
  // client did not send (Accept, a form Content-Type, Expect: 100-continue).
  curl_slist* raw = nullptr;
  bool has_type = false;
  for (const auto& [k, v] : req.headers) {
    raw = curl_slist_append(raw, (k + ": " + v).c_str());
    std::string lower = k;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    has_type = has_type || lower == "content-type";
  }
  raw = curl_slist_append(raw, "Accept:");
  raw = curl_slist_append(raw, "Expect:");
  raw = curl_slist_append(raw, "Connection: close");
  if (!has_type) raw = curl_slist_append(raw, "Content-Type:");
  std::unique_ptr<curl_slist, ListDeleter> headers(raw);

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);       // send the target as signed
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");         // never through a proxy
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);         // called from many threads
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errors);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &got);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!req.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, req.ca_file.c_str());
  if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  if (!req.body.empty() || req.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    if (req.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }

  const CURLcode rc = curl_easy_perform(c);
  // Whether the request may have reached the node: once the connection (and
  // TLS) was up, curl went on to send it.
  curl_off_t pretransfer = 0;
  curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
  if (connected != nullptr) *connected = pretransfer > 0 || rc == CURLE_OK;
  if (got.too_large) return MakeError(where, "the answer is larger than " + std::to_string(req.max_bytes) + " bytes");
  if (rc != CURLE_OK) {
    std::string why = errors[0] != '\0' ? std::string(errors) : std::string(curl_easy_strerror(rc));
    switch (rc) {
      case CURLE_COULDNT_RESOLVE_HOST: why = "cannot resolve the host: " + why; break;
      case CURLE_COULDNT_CONNECT: why = "cannot connect: " + why; break;
      case CURLE_OPERATION_TIMEDOUT: why = (pretransfer > 0 ? "the answer timed out: " : "cannot connect: ") + why; break;
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CONNECT_ERROR:
        why = "the node's TLS certificate was not accepted: " + why;
        break;
      default: break;
    }
    return MakeError(where, why);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  got.response.status = static_cast<int>(status);
  return std::move(got.response);
}

Result<ClientResponse> Get(const std::string& base_url, const std::string& target,
                           const std::vector<std::pair<std::string, std::string>>& headers, int timeout_ms,
                           size_t max_bytes, const std::string& ca_file) {
  ClientRequest r;
  r.base_url = base_url;
  r.target = target;
  r.headers = headers;
  r.timeout_ms = timeout_ms;
  r.max_bytes = max_bytes;
  r.ca_file = ca_file;
  return Send(r);
}

}  // namespace csu::http
