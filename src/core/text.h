// Small, allocation-free text helpers shared by every parser. All of them are
// pure functions of their input and safe to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csu {

// Removes ASCII spaces and tabs at both ends.
inline std::string_view Trim(std::string_view s) {
  // Inline: every field of every extract row passes through here.
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// Parses a whole string as a base-10 integer (optional leading '-').
// Returns nullopt on any other character, on empty input or on overflow.
std::optional<int64_t> ParseInt(std::string_view s);

// Parses a plain decimal ("12", "-3.5", "0.412383") into an integer scaled by
// 10^scale_digits, exactly: ParseScaled("1.212802", 6) == 1212802. More
// fractional digits than scale_digits is an error rather than a silent
// rounding, because reference values must be taken exactly as published.
std::optional<int64_t> ParseScaled(std::string_view s, int scale_digits);

// Splits on a single character; empty fields are kept.
std::vector<std::string_view> Split(std::string_view s, char sep);

// ASCII upper-casing of a copy.
std::string ToUpper(std::string_view s);

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// A copy of s with every byte that is not part of well-formed UTF-8 replaced
// by `replacement`, so text from a bad row can be stored and shown safely.
std::string ReplaceInvalidUtf8(std::string_view s, char replacement);

// Formats n with thousands separators: 1234567 -> "1,234,567".
std::string WithThousands(int64_t n);

// `s` when it is at most `max_bytes` long; otherwise its first bytes, cut at
// a UTF-8 character boundary at or before `max_bytes`, followed by
// "…[N bytes]" giving the whole length (`whole_bytes` when `s` is itself a
// prefix of a longer value, else s.size()). For keeping bounded excerpts of
// untrusted input (quarantine) without splitting a character.
std::string CutWithLength(std::string_view s, size_t max_bytes, size_t whole_bytes = 0);

// s escaped as the inside of a JSON string: quotes, backslashes, and control
// characters (and DEL) as \n, \r, \t or \u00XX. Bytes >= 0x80 pass through.
std::string JsonEscape(std::string_view s);

// Text made safe for HTML/XML content and attribute values: & < > " ' become
// entities, control characters other than tab and newline become spaces,
// and bytes that are not valid UTF-8 become '?'.
std::string XmlEscape(std::string_view text);

}  // namespace csu
