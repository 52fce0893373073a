#include "store/audit_chain.h"

#include <atomic>
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

std::atomic<int64_t> g_hashes{0};

}  // namespace

int64_t AuditHashesComputed() { return g_hashes.load(std::memory_order_relaxed); }

std::string AuditHash(const AuditEntry& e) {
  g_hashes.fetch_add(1, std::memory_order_relaxed);
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

AuditEntry NextAuditEntry(const AuditHead& head, const std::string& at, const std::string& actor,
                          const std::string& action, const std::string& subject, const std::string& details) {
  AuditEntry e;
  e.seq = head.seq + 1;
  e.prev_hash = head.hash;
  e.at = at;
  e.actor = actor;
  e.action = action;
  e.subject = subject;
  e.details = details;
  e.hash = AuditHash(e);
  return e;
}

Result<int64_t> VerifyAuditChain(const std::vector<AuditEntry>& entries, size_t first, const AuditHead& start) {
  std::string prev = start.hash;
  int64_t expected_seq = start.seq + 1;
  for (size_t i = first; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
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
  return expected_seq - 1;
}

std::string JsonString(const std::string& s) { return "\"" + JsonEscape(s) + "\""; }

}  // namespace csu::store
