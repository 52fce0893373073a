#include "payroll/explain_text.h"

#include <charconv>

namespace csu::payroll::explain {
namespace {

// The magnitude's digits with a comma every three from the right, as
// WithThousands writes them.
void AppendGrouped(std::string& out, uint64_t mag) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, mag).ptr;
  const size_t n = static_cast<size_t>(end - digits);
  char grouped[32];
  size_t g = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) grouped[g++] = ',';
    grouped[g++] = digits[i];
  }
  out.append(grouped, g);
}

uint64_t Magnitude(int64_t n) { return n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n); }

void AppendCents(std::string& out, uint64_t mag) {
  const uint64_t p = mag % 100;
  const char cents[3] = {'.', static_cast<char>('0' + p / 10), static_cast<char>('0' + p % 10)};
  out.append(cents, 3);
}

}  // namespace

void AppendOne(std::string& out, std::string_view s) { out.append(s); }

void AppendOne(std::string& out, char c) { out.push_back(c); }

void AppendOne(std::string& out, int n) { AppendOne(out, static_cast<int64_t>(n)); }

void AppendOne(std::string& out, int64_t n) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
}

void AppendOne(std::string& out, Money m) {
  const uint64_t mag = Magnitude(m.pence());
  out.append(m.pence() < 0 ? "-\xC2\xA3" : "\xC2\xA3");
  AppendGrouped(out, mag / 100);
  AppendCents(out, mag);
}

void AppendOne(std::string& out, Pounds p) {
  out.append("\xC2\xA3");
  if (p.pounds < 0) out.push_back('-');
  AppendGrouped(out, Magnitude(p.pounds));
}

void AppendOne(std::string& out, Percent p) {
  AppendOne(out, p.bp / 100);
  const int64_t frac = p.bp % 100;
  if (frac != 0) {
    if (frac % 10 == 0) {
      out.push_back('.');
      AppendOne(out, frac / 10);
    } else {
      out.append(frac < 10 ? ".0" : ".");
      AppendOne(out, frac);
    }
  }
  out.push_back('%');
}

void AppendOne(std::string& out, Decimal d) {
  const uint64_t mag = Magnitude(d.hundredths);
  if (d.hundredths < 0) out.push_back('-');
  AppendOne(out, static_cast<int64_t>(mag / 100));
  AppendCents(out, mag);
}

std::string& Scratch() {
  thread_local std::string buf;
  buf.clear();
  return buf;
}

}  // namespace csu::payroll::explain
