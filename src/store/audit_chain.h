// The audit log's hash chain (docs/store-format.md §2, "The audit chain"):
// each entry's hash covers its fields and the previous entry's hash, so an
// edit, insertion or deletion inside the log breaks the chain at that entry.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace csu::store {

// prev_hash of the first entry.
inline const std::string kGenesisHash(64, '0');

// The hex SHA-256 an entry must carry, from seq..details and prev_hash.
std::string AuditHash(const AuditEntry& entry);

// Checks a whole log in seq order; returns the number of entries, or an
// Error whose `where` is "audit entry N".
Result<int64_t> VerifyAuditChain(const std::vector<AuditEntry>& entries);

// Minimal JSON string escaping for audit details ("\"", "\\", control chars).
std::string JsonString(const std::string& s);

}  // namespace csu::store
