// Routing a CCG's pages to the nodes that hold it (docs/server-mode.md,
// "Partitions"). A node of a partitioned installation loads only its
// groups' activity, so a page about a CCG of another group (/ccg/{ccg}/...
// and its JSON twin /api/v1/ccg/{ccg}/...) is answered by one of that
// group's two owners: the node forwards the user's request as it came
// (method, target, headers, body), signed with the node secret to vouch for
// the client's address (web/node_auth.h), and relays the owner's answer
// with `X-Csu-Served-By: NODE`. The owner authenticates the user itself
// (sessions and API tokens are in PostgreSQL, which every node shares),
// checks the tenant and meters the use; the forwarding node does none of
// it, so nothing is counted twice and a user gains nothing by choosing the
// node.
//
// Which owner: the first, else the second when the first cannot be reached
// in time or answers 421 (it does not hold the CCG either: the nodes read
// different maps). A request that may change something (anything but GET
// and HEAD) goes to the second owner only when no connection to the first
// was made, so it is never done twice. Both owners failing is an error
// naming the group and both nodes' reasons: the caller answers 503, never
// another node's figures or none.
//
// Pure over `send`, so the tests drive it with a fake; `csu serve` gives it
// http::Send.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/client.h"
#include "http/request.h"
#include "http/response.h"
#include "store/partition_map.h"

namespace csu::web {

inline constexpr const char* kServedByHeader = "X-Csu-Served-By";
// A forwarded request's deadline (a records export of a large CCG takes
// seconds) and the largest answer relayed.
inline constexpr int kForwardTimeoutMs = 120000;
inline constexpr size_t kForwardMaxBytes = size_t{256} << 20;

// What a request to another node fails with when this node already has as
// many out as it allows (PartitionAccess::max_outbound); a user is told the
// node is busy rather than that the owners are down.
inline constexpr const char* kOutboundBusy = "this node already has as many requests out to other nodes as it allows";

using ForwardSend = std::function<Result<http::ClientResponse>(const http::ClientRequest& request, bool* connected)>;

// The CCG a request's path is about, upper-cased: the segment after "ccg"
// in /ccg/{ccg}/... or /api/v1/ccg/{ccg}/...; empty for any other path.
std::string CcgOfPath(const std::vector<std::string>& segments);

// The group holding `ccg` when `self` is not one of its owners (the request
// must go there); nullptr when this node answers it itself: it owns the
// group, or no group holds the CCG (then no node has its activity, and its
// other pages are served by any node).
const store::PartitionGroup* GroupElsewhere(const store::PartitionMap& map, const std::string& self,
                                            const std::string& ccg);

// Forwards `r` (from `client`, the address this node saw) to the owners of
// `group`, as above, signed with `secret` at `now` (Unix seconds). The
// owner's answer, with X-Csu-Served-By; an error when neither owner answered.
Result<http::Response> ForwardToOwners(const http::Request& r, const std::string& client,
                                       const store::PartitionGroup& group, const store::PartitionMap& map,
                                       const std::string& self, const std::string& secret, int64_t now,
                                       const ForwardSend& send);

}  // namespace csu::web
