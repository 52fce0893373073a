// The explanation lines of payslips ("AfC 2025/26 band 5 step 1 £31,049 a
// year ÷ 12 = £2,587.42"), written without temporary strings.
//
// Why: a pay run of 50,000 employees writes some 600,000 of these lines, and
// building each with `a + b + Money::ToString() + ...` made a temporary
// string per piece: most of a run's time went to the allocator. Here the
// pieces are appended to one buffer reused by the thread, and each finished
// line is copied out once, at its exact length.
//
// The text is exactly what the string forms give: Money as Money::ToString
// ("£1,234.56", "-£0.50"), Pounds as "£" + WithThousands, Percent as
// PercentText ("20%", "13.8%", "0.08%"), whole numbers as std::to_string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/money.h"

namespace csu::payroll::explain {

struct Pounds {  // whole pounds: "£31,049"
  int64_t pounds;
};
struct Percent {  // basis points as a rate: "20%", "13.8%"
  int64_t bp;
};
struct Decimal {  // hundredths without a currency sign: "37.50" (Money::ToDecimal)
  int64_t hundredths;
};

void AppendOne(std::string& out, std::string_view s);
template <size_t N>  // a literal: its length is known, no strlen
void AppendOne(std::string& out, const char (&s)[N]) {
  out.append(s, N - 1);
}
void AppendOne(std::string& out, char c);
void AppendOne(std::string& out, int n);
void AppendOne(std::string& out, int64_t n);
void AppendOne(std::string& out, Money m);
void AppendOne(std::string& out, Pounds p);
void AppendOne(std::string& out, Percent p);
void AppendOne(std::string& out, Decimal d);

// Appends each piece to `out`.
template <typename... Pieces>
void Append(std::string& out, const Pieces&... pieces) {
  (AppendOne(out, pieces), ...);
}

// The thread's reusable buffer, emptied (its capacity kept). Cat uses the
// same buffer: while a line is being built in Scratch(), nothing called may
// use Cat or Scratch (copy the line out first).
std::string& Scratch();

// The pieces as one string of exactly their length.
template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string& buf = Scratch();
  (AppendOne(buf, pieces), ...);
  return std::string(buf);
}

}  // namespace csu::payroll::explain
