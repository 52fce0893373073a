// Invariant checks shared by the libFuzzer targets in fuzz/ and by
// src/core/fuzz_corpus_test.cc, which replays the checked-in corpora through
// the same checks so the default test suite guards against regressions
// without clang.
//
// Each check runs one input through the code under test and returns an empty
// string when every invariant held, or a description of the first one that
// did not. They never print; the caller decides whether to abort (fuzzer) or
// report a test failure (gtest). Header-only on purpose: the fuzz targets are
// built by scripts/fuzz.sh from a handful of source files, not by CMake.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/codes.h"
#include "core/csv_reader.h"
#include "core/date.h"
#include "core/money.h"
#include "core/nhs_number.h"
#include "core/result.h"
#include "core/text.h"

namespace csu::fuzz {

// True when view lies wholly inside text (an empty view at any position in or
// at the end of text counts too).
inline bool Within(std::string_view view, std::string_view text) {
  const char* b = text.data();
  const char* e = b + text.size();
  return view.data() >= b && view.data() + view.size() <= e;
}

// Writes fields as one CSV record with every field quoted.
inline std::string QuoteRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : fields[i]) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out;
}

// Runs CsvReader over data to the end. Invariants:
//  - termination: every call that returns a record or an error strictly
//    advances offset(); a call returning false leaves offset() at the end,
//    and so do further calls;
//  - every field is a view into data, or (only a field that had a doubled
//    quote) into the reader's own storage, readable until the next call (every
//    byte is touched, so AddressSanitizer sees a dangling view);
//  - record_line() never decreases and equals 1 + the newlines before the
//    record's first byte (record_text() starts there); record_text() is a
//    view into data; an error's where is "line N" for that line and leaves
//    no fields;
//  - blank_lines() never decreases;
//  - a record's fields written back as quoted CSV read back identically.
inline std::string CheckCsvReader(std::string_view data) {
  CsvReader reader(data);
  std::vector<std::string_view> fields;
  size_t prev_offset = reader.offset();
  int64_t prev_line = 0;
  int64_t prev_blank = 0;
  // Line bookkeeping: newlines counted in data[0, counted_to).
  size_t counted_to = 0;
  int64_t newlines = 0;
  const size_t max_calls = data.size() + 2;
  for (size_t call = 0;; ++call) {
    if (call > max_calls) return "more calls to Next() than bytes of input: not terminating";
    auto r = reader.Next(fields);
    const std::string at =
        " (call " + std::to_string(call) + ", offset " + std::to_string(reader.offset()) + ")";
    if (r.ok() && !r.value()) {
      if (reader.offset() != data.size()) return "Next() returned false before the end" + at;
      if (!fields.empty()) return "Next() returned false but left fields" + at;
      auto again = reader.Next(fields);
      if (!again.ok() || again.value()) return "Next() after the end did not return false again" + at;
      if (reader.offset() != data.size()) return "Next() after the end moved offset()" + at;
      return "";
    }
    if (reader.offset() <= prev_offset) return "offset() did not advance" + at;
    if (reader.offset() > data.size()) return "offset() is past the end" + at;
    prev_offset = reader.offset();
    if (reader.record_line() < prev_line) return "record_line() went backwards" + at;
    prev_line = reader.record_line();
    if (reader.blank_lines() < prev_blank) return "blank_lines() went backwards" + at;
    prev_blank = reader.blank_lines();

    std::string_view text = reader.record_text();
    if (!Within(text, data)) return "record_text() is not a view into the input" + at;
    const auto start = static_cast<size_t>(text.data() - data.data());
    if (start < counted_to) return "record_text() starts before the previous record's start" + at;
    for (; counted_to < start; ++counted_to) newlines += data[counted_to] == '\n';
    if (reader.record_line() != newlines + 1) {
      return "record_line() is " + std::to_string(reader.record_line()) + " but the record starts on line " +
             std::to_string(newlines + 1) + at;
    }
    if (start >= reader.offset()) return "the record starts at or after offset()" + at;

    if (!r.ok()) {
      if (r.error().where != "line " + std::to_string(reader.record_line())) {
        return "error where '" + r.error().where + "' does not name the record's line" + at;
      }
      if (!fields.empty()) return "an error left fields behind" + at;
      continue;
    }
    if (fields.empty()) return "a record with no fields" + at;
    std::vector<std::string> copies;
    for (std::string_view f : fields) {
      copies.emplace_back(f);  // reads every byte, so ASan sees a dangling view
      if (!Within(f, data) && f.find('"') == std::string_view::npos) {
        return "a field without a quote in it is not a view into the input" + at;
      }
    }
    std::string again = QuoteRecord(copies);
    CsvReader round(again);
    std::vector<std::string_view> back;
    auto rr = round.Next(back);
    if (!rr.ok() || !rr.value()) return "a record written back as CSV did not read back" + at;
    if (back.size() != copies.size()) {
      return "a record written back as CSV read back with a different width" + at;
    }
    for (size_t i = 0; i < back.size(); ++i) {
      if (back[i] != copies[i]) return "a field written back as CSV read back differently" + at;
    }
    auto end = round.Next(back);
    if (!end.ok() || end.value()) return "a record written back as CSV read back as more than one" + at;
  }
}

// Formats value (scaled by 10^scale) as the plain decimal ParseScaled reads.
inline std::string FormatScaled(int64_t value, int scale) {
  uint64_t mag = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits = std::to_string(mag);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  }
  return value < 0 ? "-" + digits : digits;
}

// Checks DivRoundHalfAway (through Money::MulRatio) on pence * num / den
// against its definition: the remainder is at most half the divisor, and an
// exact half went away from zero.
inline std::string CheckMulRatio(int64_t pence, int64_t num, int64_t den) {
  if (den == 0) return "";
  const Int128 n = static_cast<Int128>(pence) * num;
  const Int128 abs_n = n < 0 ? -n : n;
  const Int128 abs_d = den < 0 ? -static_cast<Int128>(den) : static_cast<Int128>(den);
  // Only quotients that surely fit in int64 (|n / d| < 2^62) are defined.
  if (abs_n / abs_d >= (Int128{1} << 62)) return "";
  const int64_t q = Money::FromPence(pence).MulRatio(num, den).pence();
  const Int128 r = n - static_cast<Int128>(q) * den;  // |r| <= |d| when q is right
  const Int128 abs_r = r < 0 ? -r : r;
  const std::string what =
      " for " + std::to_string(pence) + " * " + std::to_string(num) + " / " + std::to_string(den);
  if (abs_r > abs_d - abs_r) return "MulRatio is more than half a penny out" + what;
  if (abs_r == abs_d - abs_r && abs_r != 0) {
    // An exact half: q * d must be further from zero than n.
    const Int128 qd = static_cast<Int128>(q) * den;
    const Int128 abs_qd = qd < 0 ? -qd : qd;
    if (abs_qd < abs_n) return "MulRatio rounded a half towards zero" + what;
  }
  return "";
}

// Runs every text parser of core over data. A parse may fail, never crash; a
// value that parses must format back and re-parse to the same value, and
// where the accepted form is unique (dates) the text must be the canonical
// formatting itself.
inline std::string CheckParsers(std::string_view data) {
  // A minus sign, and only a minus sign, makes a parsed number negative.
  const bool minus = data.find('-') != std::string_view::npos;
  auto sign_ok = [minus](int64_t v) { return v == 0 || (v < 0) == minus; };
  // Money: the sign follows the text; both formats parse back.
  if (auto m = Money::Parse(data); m.ok()) {
    const Money v = m.value();
    if (!sign_ok(v.pence())) return "Money '" + std::string(data) + "' parsed with the wrong sign";
    for (const std::string& s : {v.ToString(), v.ToDecimal()}) {
      auto back = Money::Parse(s);
      if (!back.ok() || back.value() != v) {
        return "Money '" + s + "' did not parse back to the value of '" + std::string(data) + "'";
      }
    }
  }
  // Date and DateTime: one accepted form, so the text is its own formatting.
  if (auto d = Date::Parse(data); d.ok()) {
    const Date v = d.value();
    if (v.ToString() != data) return "Date '" + std::string(data) + "' formats as '" + v.ToString() + "'";
    if (v.year() < 1800 || v.year() > 2999) return "Date '" + std::string(data) + "' is outside 1800-2999";
    if (Date::FromYmd(v.year(), v.month(), v.day()) != v) {
      return "Date '" + std::string(data) + "' fields do not round-trip";
    }
  }
  if (auto t = DateTime::Parse(data); t.ok()) {
    const DateTime v = t.value();
    if (v.ToString() != data) return "DateTime '" + std::string(data) + "' formats as '" + v.ToString() + "'";
    if (DateTime::At(v.date(), 0, 0) > v || v - DateTime::At(v.date(), 0, 0) >= 1440) {
      return "DateTime '" + std::string(data) + "' is not within its date()";
    }
  }
  // FinancialYear: three forms; the canonical one parses back.
  if (auto fy = FinancialYear::Parse(data); fy.ok()) {
    const FinancialYear v = fy.value();
    auto back = FinancialYear::Parse(v.ToString());
    if (!back.ok() || back.value() != v) return "FinancialYear '" + v.ToString() + "' did not parse back";
    const std::string s = v.ToString();  // "2018/19"
    if (data != s && data != s.substr(0, 4) + "-" + s.substr(5) && data != s.substr(0, 4) + s.substr(5)) {
      return "FinancialYear '" + std::string(data) + "' is not a form of " + s;
    }
    if (!v.Contains(v.first_day()) || !v.Contains(v.last_day()) || FinancialYear::Of(v.last_day()) != v) {
      return "FinancialYear '" + s + "' does not contain its own days";
    }
  }
  // NHS numbers: ten digits with a valid check digit, formatted back.
  if (auto nhs = ParseNhsNumber(data); nhs) {
    if (*nhs >= 10000000000ull) return "NHS number '" + std::string(data) + "' has more than ten digits";
    if (ParseNhsNumber(FormatNhsNumber(*nhs)) != nhs) {
      return "NHS number '" + std::string(data) + "' did not format back";
    }
    if (!NhsNumberProblem(data).empty()) {
      return "NHS number '" + std::string(data) + "' parsed but has a problem";
    }
  } else if (NhsNumberProblem(data).empty()) {
    return "NHS number '" + std::string(data) + "' has no problem but did not parse";
  }
  // Integers and scaled decimals.
  if (auto i = ParseInt(data); i) {
    if (!sign_ok(*i)) return "ParseInt '" + std::string(data) + "' parsed with the wrong sign";
    if (ParseInt(std::to_string(*i)) != i) return "ParseInt '" + std::string(data) + "' did not format back";
  }
  for (int scale = 0; scale <= 8; ++scale) {
    if (auto v = ParseScaled(data, scale); v) {
      if (!sign_ok(*v)) return "ParseScaled '" + std::string(data) + "' parsed with the wrong sign";
      const std::string s = FormatScaled(*v, scale);
      if (ParseScaled(s, scale) != v) {
        return "ParseScaled '" + s + "' did not parse back at scale " + std::to_string(scale);
      }
    }
  }
  // Codes: the parsed code parses to itself.
  if (auto c = OdsCode::Parse(data); c.ok()) {
    auto back = OdsCode::Parse(c.value().view());
    if (!back.ok() || back.value() != c.value() || back.value().key() != c.value().key()) {
      return "OdsCode did not parse back";
    }
  }
  if (auto c = HrgCode::Parse(data); c.ok()) {
    auto back = HrgCode::Parse(c.value().view());
    if (!back.ok() || back.value() != c.value()) return "HrgCode did not parse back";
  }
  if (auto c = TreatmentFunctionCode::Parse(data); c.ok()) {
    auto back = TreatmentFunctionCode::Parse(c.value().view());
    if (!back.ok() || back.value() != c.value()) return "TreatmentFunctionCode did not parse back";
  }
  // Text helpers: Split joins back; IsValidUtf8 must simply return.
  {
    std::string joined;
    auto parts = Split(data, ',');
    for (size_t k = 0; k < parts.size(); ++k) {
      if (k > 0) joined.push_back(',');
      joined.append(parts[k]);
    }
    if (joined != data) return "Split on ',' does not join back";
  }
  (void)IsValidUtf8(data);
  // Rounding: the first 24 bytes as three int64s.
  if (data.size() >= 24) {
    int64_t v[3];
    for (int k = 0; k < 3; ++k) {
      uint64_t u = 0;
      for (int b = 0; b < 8; ++b)
        u = (u << 8) | static_cast<unsigned char>(data[static_cast<size_t>(k * 8 + b)]);
      v[k] = static_cast<int64_t>(u);
    }
    if (std::string err = CheckMulRatio(v[0], v[1], v[2]); !err.empty()) return err;
  }
  return "";
}

}  // namespace csu::fuzz

namespace csu::fuzz {

// True when `s` holds a control character (below 0x20, or DEL): text that
// could break a terminal line or a log entry if printed.
inline bool HoldsControlCharacter(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

// The rules every error of a file parser keeps (the platform's promise that
// an error names the file, the line and the reason):
//  - where is `name` alone or "name:N" with N a line of `text` (1 to the
//    number of line breaks + 1);
//  - why is a non-empty sentence;
//  - neither holds a control character, so a value quoted from a hostile
//    file cannot split or disguise the message.
inline std::string CheckFileError(const Error& e, std::string_view name, std::string_view text) {
  if (e.why.empty()) return "an error without a reason (where '" + e.where + "')";
  if (HoldsControlCharacter(e.where) || HoldsControlCharacter(e.why))
    return "an error holds a control character: " + JsonEscape(e.ToString());
  if (e.where == name) return "";
  if (e.where.size() <= name.size() + 1 || e.where.compare(0, name.size(), name) != 0 || e.where[name.size()] != ':')
    return "an error's where '" + e.where + "' is not the file '" + std::string(name) + "' or file:line";
  const std::optional<int64_t> line = ParseInt(std::string_view(e.where).substr(name.size() + 1));
  int64_t lines = 1;
  for (char c : text) lines += c == '\n';
  if (!line || *line < 1 || *line > lines)
    return "an error's where '" + e.where + "' names no line of the file (it has " + std::to_string(lines) + ")";
  return "";
}

}  // namespace csu::fuzz
