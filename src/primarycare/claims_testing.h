// Test code: the anticoagulation monitoring scheme (a local enhanced service
// paid £7.50 an INR test, 2024/25, at most 400 a claim) that the claims
// tests of several modules define for a CCG. Header-only.
#pragma once

#include <string>

#include "primarycare/claims.h"

namespace csu::primarycare {

inline Scheme AnticoagScheme(std::string ccg) {
  Scheme s;
  s.ccg = std::move(ccg);
  s.code = "LES-ANTICOAG";
  s.name = "Anticoagulation monitoring";
  s.specification = "INR monitoring";
  s.fee_pence = 750;
  s.window_from = Date::FromYmd(2024, 4, 1);
  s.window_to = Date::FromYmd(2025, 3, 31);
  s.max_units_per_claim = 400;
  s.evidence = "INR test list";
  return s;
}

}  // namespace csu::primarycare
