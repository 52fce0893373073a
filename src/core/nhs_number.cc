#include "core/nhs_number.h"

#include <utility>
#include <vector>

#include <cstdio>

namespace csu {

std::optional<int> NhsCheckDigit(const int (&d)[9]) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += d[i] * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) return 0;
  if (check == 10) return std::nullopt;
  return check;
}

std::string NhsNumberProblem(std::string_view text) {
  int digits[10];
  int n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ') {
      // Spaces are allowed only as the 3-3-4 group separators.
      if (!(n == 3 || n == 6) || (i > 0 && text[i - 1] == ' ')) return "spaces misplaced";
      continue;
    }
    if (c < '0' || c > '9') return "not all digits";
    if (n == 10) return "more than 10 digits";
    digits[n++] = c - '0';
  }
  if (n != 10) return "fewer than 10 digits";
  int first_nine[9];
  for (int i = 0; i < 9; ++i) first_nine[i] = digits[i];
  auto check = NhsCheckDigit(first_nine);
  if (!check || *check != digits[9]) return "check digit invalid";
  return "";
}

std::optional<uint64_t> ParseNhsNumber(std::string_view text) {
  if (text.size() == 10) {
    // Fast path for the usual form, ten digits without spaces: one pass, no
    // string built. Agrees with NhsNumberProblem on every ten-byte input.
    uint64_t v = 0;
    unsigned sum = 0;
    bool all_digits = true;
    for (size_t i = 0; i < 10; ++i) {
      unsigned d = static_cast<unsigned char>(text[i]) - unsigned{'0'};
      all_digits &= d <= 9;
      v = v * 10 + d;
      if (i < 9) sum += d * static_cast<unsigned>(10 - i);
    }
    if (all_digits) {
      unsigned check = 11 - sum % 11;
      if (check == 11) check = 0;
      if (check == 10 || check != v % 10) return std::nullopt;
      return v;
    }
  }
  if (!NhsNumberProblem(text).empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c != ' ') v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::string FormatNhsNumber(uint64_t number) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010llu", static_cast<unsigned long long>(number));
  std::string s(buf);
  return s.substr(0, 3) + " " + s.substr(3, 3) + " " + s.substr(6, 4);
}

void MaskNhsNumbers(std::string& text, bool any_check_digit) {
  // Runs first, masking after: the scan reads the digits it would change.
  std::vector<std::pair<size_t, size_t>> runs;
  ForEachNhsNumberShaped(text, any_check_digit, [&](size_t begin, size_t end) { runs.emplace_back(begin, end); });
  for (auto [begin, end] : runs) {
    for (size_t k = begin; k < end; ++k) text[k] = text[k] == ' ' ? ' ' : '*';
  }
}

bool HoldsNhsNumber(std::string_view text) {
  bool holds = false;
  ForEachNhsNumberShaped(text, /*any_check_digit=*/false, [&](size_t, size_t) { holds = true; });
  return holds;
}

}  // namespace csu
