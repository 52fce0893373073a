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

// Formats as "943 476 5919".
std::string FormatNhsNumber(uint64_t number);

}  // namespace csu
