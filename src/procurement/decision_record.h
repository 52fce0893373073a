// The decision record of a procurement as report tables, rendered by
// src/report to a terminal, CSV, JSON or an XLSX workbook (one sheet each):
// the decision (regime, process, reasons, award, standstill), the ranking,
// every moderated score with the evaluators' scores and the reason it moved,
// the arithmetic step by step, the declarations of interest with how each
// conflict was managed, the clarification questions with their answers,
// and the representations with their outcomes.
// For the CCG's own record: scores are shown by evaluator, so it is built
// only once moderation is open (the store refuses earlier).
#pragma once

#include <optional>
#include <vector>

#include "procurement/procurement_store.h"
#include "report/report_table.h"

namespace csu::procurement {

struct DecisionFacts {
  PlanLine plan;
  Tender tender;
  Evaluation evaluation;
  std::vector<Interest> interests;
  std::optional<Award> award;
  std::vector<Representation> representations;
  std::vector<Clarification> clarifications;
};

// Reads every fact of the record from the store; refused (as the store
// refuses the evaluation input) while scores are sealed, and for another
// CCG's tender, which reads as missing.
Result<DecisionFacts> GatherDecisionFacts(ProcurementStore& db, const std::string& ccg, const std::string& tender);

std::vector<report::ReportTable> DecisionRecordTables(const DecisionFacts& f);

// The clarification log as one table. `name_asker` is for the CCG's own
// record only: the published view never says which bidder asked.
report::ReportTable ClarificationsTable(const std::vector<Clarification>& cs, bool name_asker);

}  // namespace csu::procurement
