// UK civil time from a UTC instant: Greenwich Mean Time (UTC+0) in winter and
// British Summer Time (UTC+1) in summer. Billing months are UK civil months
// (a CCG is an English body: a request at 23:30 UTC on 30 June 2018 is made at
// 00:30 BST on 1 July and belongs to July), so the billing month and "today"
// for invoices come from here, not from the UTC date.
//
// The rule is computed, not looked up in the tz database: a fresh machine or
// container may lack tzdata, and the rule is fixed in law (the Summer Time
// Order 2002, following EU Directive 2000/84/EC): BST runs from 01:00 UTC on
// the last Sunday of March to 01:00 UTC on the last Sunday of October.
//
// Limits: that is the rule in force since 1996, when the October end moved to
// the EU's last Sunday. Before then the UK followed other rules (until 1995 BST
// ended on the Sunday after the fourth Saturday of October; earlier decades
// differed further), so these functions are wrong for some instants before
// 1996 and are not for historical dates; nor do they know of any future change
// in law.
//
// A DateTime here holds a UTC instant to the minute (every transition falls on
// a whole hour, so minutes lose nothing). All functions are pure and
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/date.h"

namespace csu {

// The instant BST begins in `year`: 01:00 UTC on the last Sunday of March.
DateTime BstStartUtc(int32_t year);
// The instant BST ends in `year`: 01:00 UTC on the last Sunday of October.
DateTime BstEndUtc(int32_t year);

// True when the UK keeps BST at `utc`: BstStartUtc <= utc < BstEndUtc of its year.
bool IsBst(DateTime utc);

// UK wall-clock time at `utc`: one hour ahead in BST, the same in GMT.
DateTime UkLocalTime(DateTime utc);
// UK civil date at `utc` (the date of UkLocalTime).
Date UkDate(DateTime utc);
// The same for an ISO 8601 UTC timestamp as the platform writes them
// ("2018-06-30T23:30:00Z", read to the minute); nullopt when `utc_timestamp`
// does not begin "YYYY-MM-DDTHH:MM".
std::optional<Date> UkDateOfTimestamp(std::string_view utc_timestamp);

}  // namespace csu
