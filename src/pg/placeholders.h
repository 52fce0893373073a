// The one rewrite src/pg makes to a statement's text: SQLite-style `?N` and
// `?` placeholders become PostgreSQL's `$N` (docs/server-mode.md), outside
// string literals ('..', E'..' with backslash escapes), quoted identifiers
// ("..."), dollar-quoted strings ($tag$..$tag$) and comments (-- and nested
// /* */). A bare `?` takes the number after the largest used so far, as in
// SQLite. Native `$N` placeholders are refused (one convention per text),
// as are text that ends inside a literal or comment and numbers outside
// 1..kMaxPlaceholder. Pure function, thread-safe; fuzzed
// (fuzz/pg_placeholders_fuzz.cc).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::pg {

// PostgreSQL's own limit on the parameters of one statement.
inline constexpr int kMaxPlaceholder = 65535;

struct TranslatedSql {
  std::string text;     // with $N
  int parameters = 0;   // the largest N used (0: none)
};

// Errors name "SQL at byte N".
Result<TranslatedSql> TranslatePlaceholders(std::string_view sql);

}  // namespace csu::pg
