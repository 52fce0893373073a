#include "web/partition_forward.h"

#include <stdexcept>

#include "core/text.h"
#include "web/node_auth.h"

namespace csu::web {
namespace {

// Request fields not passed on: the connection's own (RFC 9110 §7.6.1),
// the ones the client adds again (Host, Content-Length), a proxy's claim of
// the client's address (the signed X-Csu-Forwarded-For replaces it) and any
// X-Csu- field, which only this node may set.
bool KeptOnRequest(const std::string& name) {
  static const char* const kDropped[] = {"host",    "connection",      "keep-alive",          "te",
                                         "trailer", "transfer-encoding", "upgrade",           "proxy-authorization",
                                         "proxy-connection", "content-length", "x-forwarded-for", "x-real-ip",
                                         "forwarded", "expect"};
  for (const char* d : kDropped)
    if (name == d) return false;
  return name.compare(0, 6, "x-csu-") != 0;
}

// Answer fields not relayed: the server writes its own framing, date and
// request id (the owner's is kept as X-Csu-Owner-Request-Id, to find its log
// line).
bool KeptOnAnswer(const std::string& name) {
  static const char* const kDropped[] = {"content-length", "transfer-encoding", "connection", "keep-alive",
                                         "date",           "x-request-id"};
  for (const char* d : kDropped)
    if (name == d) return false;
  return true;
}

Result<http::Response> Relay(const http::ClientResponse& answer, const std::string& node) {
  http::Response out(answer.status);
  try {
    for (const auto& [name, value] : answer.headers) {
      if (name == "x-request-id") out.SetHeader("X-Csu-Owner-Request-Id", value);
      if (KeptOnAnswer(name)) out.SetHeader(name, value);
    }
  } catch (const std::invalid_argument&) {
    return MakeError("node " + node, "its answer holds a header that cannot be relayed");
  }
  out.SetHeader(kServedByHeader, node);
  out.set_body(answer.body);
  return out;
}

}  // namespace

std::string CcgOfPath(const std::vector<std::string>& segments) {
  size_t at = 0;
  if (segments.size() >= 3 && segments[0] == "api" && segments[1] == "v1") at = 2;
  if (segments.size() < at + 2 || segments[at] != "ccg") return "";
  return ToUpper(segments[at + 1]);
}

const store::PartitionGroup* GroupElsewhere(const store::PartitionMap& map, const std::string& self,
                                            const std::string& ccg) {
  const store::PartitionGroup* g = map.GroupOf(ccg);
  if (g == nullptr || g->owners[0] == self || g->owners[1] == self) return nullptr;
  return g;
}

Result<http::Response> ForwardToOwners(const http::Request& r, const std::string& client,
                                       const store::PartitionGroup& group, const store::PartitionMap& map,
                                       const std::string& self, const std::string& secret, int64_t now,
                                       const ForwardSend& send) {
  // HEAD is asked as GET: this node's server leaves the body off again.
  const bool safe = r.method == http::Method::kGet || r.method == http::Method::kHead;
  http::ClientRequest out;
  out.method = safe ? "GET" : std::string(http::MethodName(r.method));
  out.target = r.target;
  out.body = r.body;
  out.timeout_ms = kForwardTimeoutMs;
  out.max_bytes = kForwardMaxBytes;
  for (const auto& [name, value] : r.headers.fields())
    if (KeptOnRequest(name)) out.headers.emplace_back(name, value);
  out.headers.emplace_back(kForwardedByHeader, self);
  out.headers.emplace_back(kForwardedForHeader, client);
  const size_t unsigned_headers = out.headers.size();

  std::string why;
  for (const std::string& owner : group.owners) {
    const store::PartitionNode* node = map.Node(owner);
    if (node == nullptr) {
      why += (why.empty() ? "" : "; ") + owner + ": not in the map";
      continue;
    }
    // Signed for this owner alone, with a nonce of its own: the other owner
    // would refuse it, so a captured request cannot be replayed there.
    out.headers.resize(unsigned_headers);
    auto signature = SignNodeRequest(secret, ForwardedMethod(self, client, out.method), out.target, out.body, now, owner);
    if (!signature.ok()) return signature.error();
    for (auto& h : signature.value()) out.headers.push_back(std::move(h));
    out.base_url = node->base_url;
    bool connected = false;
    auto answer = send(out, &connected);
    // A TLS proxy in front of an owner (https:// node addresses) answers
    // 502 or 504 for the owner when it cannot reach it, and anything busy
    // 503: a GET is then asked of the second owner; a change only after a
    // 503, which says it was not taken (a proxy's 502 or 504 may come after
    // the owner had it).
    const int status = answer.ok() ? answer.value().status : 0;
    const bool unavailable = status == 503 || (safe && (status == 502 || status == 504));
    if (answer.ok() && status != 421 && !unavailable) return Relay(answer.value(), owner);
    why += (why.empty() ? "" : "; ") + owner + ": " +
           (!answer.ok()     ? answer.error().ToString()
            : status == 421 ? std::string("does not hold the CCG either (421)")
                            : "answered " + std::to_string(status));
    // Sent and maybe done (no answer, or a cut one): a change is never
    // tried on the second owner. A 421 did nothing, so it may be.
    if (!safe && connected && !answer.ok()) break;
  }
  return MakeError("group " + group.name, "no node that holds it answered (" + why + ")");
}

}  // namespace csu::web
