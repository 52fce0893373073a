// The platform date: a date a state folder can be told to treat as today,
// instead of the system clock's, so that a folder of past data (the demo's
// 2018/19) bills, meters and renews as it would have then. It lives in the
// folder's `platform-date` file (docs/store-format.md §1); absent means the
// real date. It is never implied: every command and page that uses it says
// so when it differs from the real date, and production folders have none.
#pragma once

#include <optional>
#include <string>

#include "core/date.h"
#include "core/result.h"

namespace csu::store {

// The date set for the state folder `dir`, or nullopt when none is set.
// Error when the file exists but does not hold one date (YYYY-MM-DD).
Result<std::optional<Date>> ReadPlatformDate(const std::string& dir);

// Sets (or, with nullopt, clears) the platform date of `dir`: the file is
// replaced atomically, or removed.
Status WritePlatformDate(const std::string& dir, std::optional<Date> date);

// "platform date 15/10/2018 (the real date is 06/12/2026)": the notice
// commands and pages show while a platform date differs from `real`.
std::string PlatformDateNotice(Date platform, Date real);

}  // namespace csu::store
