#include "billing/percent.h"

#include "core/text.h"

namespace csu::billing {

std::optional<int64_t> ParsePercentBp(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.back() == '%') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  return ParseScaled(text, 2);
}

std::string PercentText(int64_t bp) {
  // Sign apart: -50 is "-0.5%", which bp / 100 alone would lose.
  const uint64_t magnitude = bp < 0 ? 0 - static_cast<uint64_t>(bp) : static_cast<uint64_t>(bp);
  std::string s = (bp < 0 ? "-" : "") + std::to_string(magnitude / 100);
  const uint64_t frac = magnitude % 100;
  if (frac) {
    s += '.';
    s += static_cast<char>('0' + frac / 10);
    if (frac % 10) s += static_cast<char>('0' + frac % 10);
  }
  return s + "%";
}

}  // namespace csu::billing
