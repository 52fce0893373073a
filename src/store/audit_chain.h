// The audit log's hash chain (docs/store-format.md §2, "The audit chain"):
// each entry's hash covers its fields and the previous entry's hash, so an
// edit, insertion or deletion inside the log breaks the chain at that entry.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace csu::store {

// prev_hash of the first entry.
inline const std::string kGenesisHash(64, '0');

// The hex SHA-256 an entry must carry, from seq..details and prev_hash.
std::string AuditHash(const AuditEntry& entry);

// A verified position in the chain: entry `seq` has hash `hash` (seq 0 and
// kGenesisHash: before the first entry).
struct AuditHead {
  int64_t seq = 0;
  std::string hash = kGenesisHash;
};

// The entry that follows `head` (the log's last entry; the default before
// the first), with these fields, chained to it and hashed: what every log
// appends, whichever database holds it.
AuditEntry NextAuditEntry(const AuditHead& head, const std::string& at, const std::string& actor,
                          const std::string& action, const std::string& subject, const std::string& details);

// Checks entries [first, end) of `entries`, in seq order, as the
// continuation of the chain after `start` (the whole log by default);
// returns the seq of the last entry checked (the number of entries in the
// chain), or `start.seq` when there is nothing to check, or an Error whose
// `where` is "audit entry N".
Result<int64_t> VerifyAuditChain(const std::vector<AuditEntry>& entries, size_t first = 0,
                                 const AuditHead& start = {});

// How many entry hashes AuditHash has computed in this process: evidence
// for tests that a verification did not re-hash old entries.
int64_t AuditHashesComputed();

// Minimal JSON string escaping for audit details ("\"", "\\", control chars).
std::string JsonString(const std::string& s);

}  // namespace csu::store
