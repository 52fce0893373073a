// Names and code lists: HRG4+ codes with chapter and subchapter, treatment
// function codes, and NHS Data Dictionary code lists (admission method,
// patient classification, A&E disposal, ...), plus real monthly A&E
// attendances by trust 2016-2019 used to calibrate the synthetic data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/codes.h"
#include "core/date.h"

namespace csu::refdata {

struct HrgInfo {
  HrgCode code;
  std::string name;
  std::string subchapter;       // "EB"
  std::string subchapter_name;  // "Cardiac Disorders"
  std::string chapter;          // "E"
  std::string chapter_name;     // "Cardiac Surgery and Primary Cardiac Conditions"
};

struct TreatmentFunction {
  TreatmentFunctionCode code;
  std::string name;
};

// One entry of an NHS Data Dictionary code list.
struct CodeListEntry {
  std::string list;  // e.g. "admission_method"
  std::string code;  // e.g. "21"
  std::string description;
};

// One month of one trust's A&E activity for one department type (NHS
// England A&E Attendances and Emergency Admissions).
struct AeMonth {
  Date month;             // first day of the month
  OdsCode provider;
  std::string type;       // "1", "2" or "other"
  int64_t attendances = 0;
  int64_t breaches = 0;   // over four hours
  int64_t admissions = 0;
};

}  // namespace csu::refdata
