// Invariant checks for pg::TranslatePlaceholders (src/pg/placeholders.h).
// Shared by fuzz/pg_placeholders_fuzz.cc and
// src/pg/pg_placeholders_fuzz_corpus_test.cc, which replays
// fuzz/corpus/pg_placeholders in the default suite. Header-only.
#pragma once

#include <string>
#include <string_view>

#include "pg/placeholders.h"

namespace csu::fuzz {

// Returns "" when every invariant held for `data` as a statement's text:
// either an error naming "SQL at byte N" within the text, or a translation
// that (1) is the text itself when it has no '?', (2) uses parameters within
// 1..kMaxPlaceholder, (3) has fewer '?' than the text exactly when it has
// parameters (a '?' left is one inside a literal, identifier or comment),
// and (4) is the same every time.
inline std::string CheckPgPlaceholders(std::string_view data) {
  auto r = pg::TranslatePlaceholders(data);
  if (!r.ok()) {
    const std::string& where = r.error().where;
    if (where.rfind("SQL at byte ", 0) != 0) return "error does not name a byte: " + r.error().ToString();
    const long long at = std::stoll(where.substr(12));
    if (at < 0 || static_cast<size_t>(at) > data.size()) return "error names a byte outside the text";
    if (r.error().why.empty()) return "error says nothing";
    return "";
  }
  const pg::TranslatedSql& t = r.value();
  const bool has_mark = data.find('?') != std::string_view::npos;
  if (!has_mark && t.text != data) return "a text without placeholders was changed";
  if (!has_mark && t.parameters != 0) return "a text without placeholders has parameters";
  if (t.parameters < 0 || t.parameters > pg::kMaxPlaceholder) return "parameter count out of range";
  // Every '?' the output still has was in a literal, identifier or comment
  // of the input, so the output has at most as many as the input.
  size_t in_marks = 0, out_marks = 0;
  for (char c : data) in_marks += c == '?';
  for (char c : t.text) out_marks += c == '?';
  if (out_marks > in_marks) return "the translation added a '?'";
  if (has_mark && out_marks == in_marks && t.parameters != 0) return "parameters counted but no '?' replaced";
  auto again = pg::TranslatePlaceholders(data);
  if (!again.ok() || again.value().text != t.text || again.value().parameters != t.parameters)
    return "the translation is not deterministic";
  return "";
}

}  // namespace csu::fuzz
