// NHS organisations from ODS and NHS Digital publications: CCGs (with their
// registered population), GP practices (with list size and CCG), NHS trusts,
// commissioning support units, and the market forces factor per provider.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/codes.h"
#include "core/date.h"

namespace csu::refdata {

// A clinical commissioning group (or, after 2022, sub-ICB location).
struct Ccg {
  OdsCode code;
  std::string name;                     // 2021 CCG name where known, else the ODS name
  std::string national_grouping;        // ODS national grouping, e.g. "Y62"
  std::string health_geography;         // ODS high level health geography, e.g. "QYG"
  std::string postcode;
  std::optional<Date> open_date;
  std::optional<Date> close_date;
  std::optional<int64_t> registered_patients;  // January 2021 GP lists; none if closed by then
  int32_t practices = 0;                       // practices in the January 2021 list
};

// A GP practice with its January 2021 registered list.
struct Practice {
  OdsCode code;
  OdsCode ccg;
  std::string postcode;
  int64_t registered_patients = 0;
  std::string name;  // as ODS publishes it (upper case); "" for a practice opened after the names file
};

// An NHS trust (ODS "etr"), open or closed.
struct Trust {
  OdsCode code;
  std::string name;
  std::string national_grouping;
  std::string health_geography;
  std::string postcode;
  std::optional<Date> open_date;
  std::optional<Date> close_date;
  bool is_open() const { return !close_date.has_value(); }
};

// A commissioning support unit (ODS role RO213).
struct Csu {
  OdsCode code;
  std::string name;
  std::string town;
  std::string postcode;
};

// The market forces factor payment index for one provider in one tariff
// period, exact in parts per million (1.212802 -> 1212802).
struct Mff {
  OdsCode provider;
  std::string provider_name;
  int64_t index_ppm = 0;
};

}  // namespace csu::refdata
