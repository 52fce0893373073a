// A chart of accounts template (docs/formats/ledger-chart-v1.md): the
// accounts, cost centres and extra counterparties an entity's ledger starts
// with, read from a CSV file such as data/ledger/ccg-chart.csv.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ledger/ledger_types.h"

namespace csu::ledger {

// An NHS body a posting may name: ODS code and name. Most come from the
// reference data; a template may add national bodies it lacks (NHS Business
// Services Authority, T1450).
struct Counterparty {
  std::string code;
  std::string name;
  bool operator==(const Counterparty&) const = default;
};

struct ChartTemplate {
  std::vector<Account> accounts;
  std::vector<CostCentre> cost_centres;
  std::vector<Counterparty> counterparties;
  std::string general_fund;  // the equity account year-end close carries I&E to
};

// Parses and checks a template: the header, one record per row, unique
// account names and codes, unique cost centre codes, every account of a
// top-level name sharing one type ("expenses:..." all expense), no account
// that is also the parent of another (postings go to leaves, so a parent's
// balance is always the sum of its children's), and exactly one account with
// role general_fund, of type equity. Errors name `file:line`.
Result<ChartTemplate> ParseChartTemplate(std::string_view text, const std::string& file);

// Checks `accounts` as a whole (the rules above that span rows); `where`
// prefixes errors. Used again when a template adds to a stored chart.
Status CheckChart(const std::vector<Account>& accounts, const std::string& where);

}  // namespace csu::ledger
