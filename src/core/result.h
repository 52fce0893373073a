// The one error model. Expected failures (a malformed row, a missing tariff,
// an unreadable file) are values: an Error says where it happened and why, and
// travels back to the caller inside a Result<T> or Status. Exceptions are kept
// for the unexpected and are caught only at the top of the CLI (and later of
// each HTTP request).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace csu {

// Where and why something failed. `where` names the place a user can find,
// e.g. "data/refdata/mff_2017_19.csv:12" or "line 1043, column nhs_number";
// `why` is one plain sentence without a trailing full stop.
struct Error {
  std::string where;
  std::string why;

  // "where: why", or just "why" when there is no place to name.
  std::string ToString() const { return where.empty() ? why : where + ": " + why; }
};

// Success or an Error, for operations that return nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  const Error& error() const {
    assert(!ok_ && "error() on an OK status");
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

// A T or an Error. Accessing the wrong side is a programmer error (assert).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  T& value() & {
    assert(ok() && "value() on an error result");
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok() && "value() on an error result");
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok() && "value() on an error result");
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    assert(!ok() && "error() on an OK result");
    return std::get<1>(v_);
  }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

// `s` with every control character (below 0x20, and DEL) written out as
// \n, \r, \t or \xNN, so that a value quoted from a hostile file (a line
// break, an escape sequence, a NUL) cannot split or disguise a message on a
// terminal, in a log or on a page. Found by the file parsers' fuzz targets.
inline std::string EscapeControlCharacters(std::string s) {
  size_t i = 0;
  auto is_control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; };
  while (i < s.size() && !is_control(s[i])) ++i;
  if (i == s.size()) return s;
  std::string out = s.substr(0, i);
  static const char* hex = "0123456789ABCDEF";
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (!is_control(c)) out.push_back(c);
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else out += {'\\', 'x', hex[static_cast<unsigned char>(c) >> 4], hex[c & 15]};
  }
  return out;
}

// An Error whose where and why hold no control character
// (EscapeControlCharacters): every error that may quote input is made here.
inline Error MakeError(std::string where, std::string why) {
  return Error{EscapeControlCharacters(std::move(where)), EscapeControlCharacters(std::move(why))};
}

}  // namespace csu

// Evaluates a Result-returning expression; on error returns the Error from the
// enclosing function, otherwise binds the value. Keeps loaders readable.
#define CSU_ASSIGN_OR_RETURN(lhs, expr)     \
  auto lhs##_result = (expr);                          \
  if (!lhs##_result.ok()) return lhs##_result.error(); \
  auto lhs = std::move(lhs##_result).value()

