// Percentages as exact basis points (hundredths of a per cent): discounts
// and the VAT rate. "2.5%" is 250; there is no floating point anywhere near
// money.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csu::billing {

// "5%" / "2.5" / "12.25%" -> basis points; nullopt when not a decimal with
// at most two places (an optional '%' after it).
std::optional<int64_t> ParsePercentBp(std::string_view text);
// 250 -> "2.5%"; -250 -> "-2.5%".
std::string PercentText(int64_t bp);

}  // namespace csu::billing
