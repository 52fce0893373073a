#include "store/audit_chain.h"

#include <cstdio>

#include "core/text.h"
#include "store/sha256.h"

namespace csu::store {
namespace {

// A netstring: unambiguous however the fields' bytes look.
void AppendNetstring(std::string& out, const std::string& s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
  out += ',';
}

}  // namespace

std::string AuditHash(const AuditEntry& e) {
  std::string m = "opencsu-audit-v1\n";
  AppendNetstring(m, std::to_string(e.seq));
  AppendNetstring(m, e.at);
  AppendNetstring(m, e.actor);
  AppendNetstring(m, e.action);
  AppendNetstring(m, e.subject);
  AppendNetstring(m, e.details);
  AppendNetstring(m, e.prev_hash);
  return Sha256Hex(m);
}

Result<int64_t> VerifyAuditChain(const std::vector<AuditEntry>& entries) {
  std::string prev = kGenesisHash;
  int64_t expected_seq = 1;
  for (const AuditEntry& e : entries) {
    std::string where = "audit entry " + std::to_string(e.seq);
    if (e.seq != expected_seq) {
      return MakeError(where, "follows entry " + std::to_string(expected_seq - 1) + ": an entry is missing");
    }
    if (e.prev_hash != prev) {
      return MakeError(where, "its previous-hash does not match entry " + std::to_string(e.seq - 1) +
                                  " (an entry was changed, removed or inserted)");
    }
    if (AuditHash(e) != e.hash) {
      return MakeError(where, "its hash does not match its contents (the entry was changed)");
    }
    prev = e.hash;
    ++expected_seq;
  }
  return static_cast<int64_t>(entries.size());
}

std::string JsonString(const std::string& s) { return "\"" + JsonEscape(s) + "\""; }

}  // namespace csu::store
