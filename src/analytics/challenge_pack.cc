#include "analytics/challenge_pack.h"

#include <algorithm>
#include <map>

namespace csu::analytics {

using report::Cell;
using report::ColumnType;

namespace {

std::string TextOf(const report::ReportTable& t, size_t row, const char* column) {
  const Cell* c = t.Find(row, column);
  return c && c->kind == Cell::Kind::kText ? c->text : std::string();
}

int64_t NumberOf(const report::ReportTable& t, size_t row, const char* column) {
  const Cell* c = t.Find(row, column);
  return c && c->kind == Cell::Kind::kNumber ? c->number : 0;
}

struct RuleTotals {
  int64_t count = 0, at_stake = 0, raised = 0, agreed = 0, rejected = 0, agreed_pence = 0;
};

}  // namespace

std::vector<report::ReportTable> ChallengePack(const report::ReportTable& challenges, std::string_view provider,
                                               const std::string& provider_label, const std::string& scope,
                                               const ExplainChallenge& explain) {
  std::vector<size_t> rows;
  for (size_t r = 0; r < challenges.rows.size(); ++r)
    if (!challenges.IsTotalRow(r) && !challenges.IsSubtotalRow(r) && TextOf(challenges, r, "provider") == provider)
      rows.push_back(r);
  // Largest £ at stake first, by size (a negative amount is money too);
  // ties keep the table's order.
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
    const int64_t va = NumberOf(challenges, a, "at_stake"), vb = NumberOf(challenges, b, "at_stake");
    return (va < 0 ? -va : va) > (vb < 0 ? -vb : vb);
  });

  std::map<std::string, RuleTotals> by_rule;
  for (size_t r : rows) {
    RuleTotals& t = by_rule[TextOf(challenges, r, "rule")];
    const int64_t pence = NumberOf(challenges, r, "at_stake");
    const std::string status = TextOf(challenges, r, "status");
    t.count += 1;
    t.at_stake += pence;
    if (status == "agreed") {
      t.agreed += 1;
      t.agreed_pence += pence;
    } else if (status == "rejected") {
      t.rejected += 1;
    } else {
      t.raised += 1;
    }
  }
  report::ReportTable summary("Challenges by rule", {{"rule", ColumnType::kText, "Rule"},
                                                     {"challenges", ColumnType::kCount, "Challenges"},
                                                     {"at_stake", ColumnType::kMoney, "£ at stake"},
                                                     {"raised", ColumnType::kCount, "Open"},
                                                     {"agreed", ColumnType::kCount, "Agreed"},
                                                     {"rejected", ColumnType::kCount, "Rejected"},
                                                     {"agreed_value", ColumnType::kMoney, "£ agreed"}});
  for (const auto& [rule, t] : by_rule)
    summary.AddRow({Cell::Text(rule), Cell::Count(t.count), Cell::Pence(t.at_stake), Cell::Count(t.raised),
                    Cell::Count(t.agreed), Cell::Count(t.rejected), Cell::Pence(t.agreed_pence)});
  if (!by_rule.empty()) summary.AddTotalRow("Total");

  // The list keeps the challenge table's own columns, less the CCG and the
  // provider (one each in a pack), so the two never drift apart.
  std::vector<report::Column> columns;
  std::vector<size_t> from;
  for (size_t c = 0; c < challenges.columns.size(); ++c) {
    if (challenges.columns[c].name == "commissioner" || challenges.columns[c].name == "provider") continue;
    columns.push_back(challenges.columns[c]);
    from.push_back(c);
  }
  if (explain) columns.push_back({"price_explanation", ColumnType::kText, "Why this price"});
  report::ReportTable list("Challenges", columns);
  for (size_t r : rows) {
    std::vector<Cell> cells;
    for (size_t c : from) cells.push_back(challenges.rows[r][c]);
    if (explain) cells.push_back(Cell::Text(explain(TextOf(challenges, r, "id"))));
    list.AddRow(std::move(cells));
  }

  summary.notes.push_back("Challenge pack for " + provider_label + ": " + scope + ".");
  summary.notes.push_back(rows.empty() ? "No challenges were raised with this provider in the period."
                                       : "Open: raised and not yet agreed or rejected. £ agreed is what the "
                                         "provider is to credit for the challenges agreed.");
  list.notes.push_back("The challenges raised with " + provider_label + ", largest £ at stake first" +
                       (explain ? ", each with how its record was priced." : "."));
  return {std::move(summary), std::move(list)};
}

}  // namespace csu::analytics
