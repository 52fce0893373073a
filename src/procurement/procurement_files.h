// Readers of the procurement team's two CSV imports: a tender's criteria
// and scale (docs/formats/procurement-criteria-v1.md) and one evaluator's
// scores (docs/formats/procurement-scores-v1.md). All or nothing: the first
// bad row gives an Error naming file:line and the field, and nothing is
// returned to store. Fuzzed by fuzz/procurement_files_fuzz.cc.
//
//   CSU_ASSIGN_OR_RETURN(c, ParseCriteriaCsv("criteria.csv", text));  // CheckCriteria passed
//   CSU_ASSIGN_OR_RETURN(s, ParseScoresCsv("alice.csv", text, "alice"));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "procurement/evaluation.h"

namespace csu::procurement {

// `name` is how errors name the file. The result has passed CheckCriteria.
Result<Criteria> ParseCriteriaCsv(const std::string& name, std::string_view text);

// Every score carries `evaluator`. Bid and criterion ids are not checked
// against a tender here (the store does that, in the same transaction).
Result<std::vector<EvaluatorScore>> ParseScoresCsv(const std::string& name, std::string_view text,
                                                   const std::string& evaluator);

}  // namespace csu::procurement
