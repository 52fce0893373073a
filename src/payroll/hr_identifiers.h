// The identifiers an employee and an employer carry, checked against their
// published formats before anything is stored, and the masked forms every
// list shows (docs/payroll.md, "Identifiers"):
//   NI number     HMRC NIM39110: two prefix letters, six digits, suffix A–D;
//                 D, F, I, Q, U, V never in the prefix, O never second,
//                 BG, GB, KN, NK, NT, TN, ZZ never allocated.
//   PAYE ref      HMRC RTI: 3-digit tax office number "/" 1–10 letters or digits.
//   Accounts office reference  HMRC: 13 characters, 3 digits, "P", a letter,
//                 7 digits and a digit or X ("123PA00012345").
//   Bank details  a sort code of 6 digits (dashes allowed), an account of 8.
// Each Parse returns the normalised form (capitals, no spaces or dashes) or
// an Error whose message never repeats the value given (it may be personal).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu::payroll {

Result<std::string> ParseNiNumber(std::string_view text);        // "AB123456C"
Result<std::string> ParsePayeReference(std::string_view text);   // "123/AB456"
Result<std::string> ParseAccountsOfficeReference(std::string_view text);  // "123PA00012345"
Result<std::string> ParseSortCode(std::string_view text);        // "401276"
Result<std::string> ParseAccountNumber(std::string_view text);   // "41234567"

// A high cost area zone as stored: "", "inner_london", "outer_london",
// "fringe" ("none" is read as ""); nullopt for anything else.
std::optional<std::string> ParseHcasName(std::string_view text);

// "AB •• •• •• C" from a normalised NI number; "••••4567" from an account:
// the forms the staff lists, pages and payroll.sqlite's masked columns show,
// and the only masked forms the platform writes.
std::string MaskedNiNumber(std::string_view ni);
std::string MaskedAccountNumber(std::string_view account);

}  // namespace csu::payroll
