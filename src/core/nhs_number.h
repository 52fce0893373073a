// NHS numbers: ten digits whose last is a Modulus 11 check digit
// (NHS Data Dictionary; shared/research/domain.md section 2.9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csu {

// The check digit for the first nine digits (each 0..9), or nullopt when the
// Modulus 11 remainder gives 10: such numbers are never issued.
std::optional<int> NhsCheckDigit(const int (&first_nine)[9]);

// Parses "9434765919" or "943 476 5919" (spaces only between digit groups of
// 3-3-4) into the ten-digit value. Returns nullopt when the shape is wrong or
// the check digit is invalid. Never logs or stores its input.
std::optional<uint64_t> ParseNhsNumber(std::string_view text);

// Why text is not a valid NHS number ("check digit invalid", ...), or an
// empty string when it is valid.
std::string NhsNumberProblem(std::string_view text);

// Calls `found(begin, end)` for every run of exactly ten digits in `text`
// (spaces allowed inside, as in "943 476 5919"; digits on either side make
// it a longer number, not a match) that is a valid NHS number, or, with
// `any_check_digit`, for every such run whatever its check digit. The one
// scan shared by quarantine masking and the identifier-column check.
template <typename Found>
void ForEachNhsNumberShaped(std::string_view text, bool any_check_digit, Found&& found);

// Replaces the digits of every such run in `text` with '*' (spaces kept, so
// the shape of the row stays readable).
void MaskNhsNumbers(std::string& text, bool any_check_digit);

// Whether `text` holds a run of ten digits that is a valid NHS number.
bool HoldsNhsNumber(std::string_view text);

// Formats as "943 476 5919".
std::string FormatNhsNumber(uint64_t number);

template <typename Found>
void ForEachNhsNumberShaped(std::string_view text, bool any_check_digit, Found&& found) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (!digit(text[i]) || (i > 0 && digit(text[i - 1]))) continue;
    size_t j = i, digits = 0;
    while (j < text.size() && (digit(text[j]) || text[j] == ' ') && digits < 10) {
      digits += digit(text[j]);
      ++j;
    }
    const bool whole_run = digits == 10 && (j == text.size() || !digit(text[j]));
    if (whole_run && (any_check_digit || ParseNhsNumber(text.substr(i, j - i)))) found(i, j);
  }
}

}  // namespace csu
