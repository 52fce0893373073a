#include "procurement/procurement_files.h"

#include <set>

#include "refdata/table.h"

namespace csu::procurement {
namespace {

using refdata::Table;
using refdata::TableRow;

Status OnlyColumns(const Table& t, const std::set<std::string>& allowed) {
  for (const auto& c : t.columns())
    if (!allowed.count(c)) return MakeError(t.name() + ":1", "unknown column '" + c + "'");
  return Status::Ok();
}

Result<std::string> Id(const TableRow& row, const char* column) {
  CSU_ASSIGN_OR_RETURN(s, row.Required(column));
  bool ok = s.size() <= 20;
  for (char ch : s) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_');
  if (!ok) return row.Fail(std::string(column) + ": '" + std::string(s) + "' is not an id (1-20 letters, digits, '-' or '_')");
  return std::string(s);
}

Status MustBeEmpty(const TableRow& row, const char* column, std::string_view type) {
  if (!row.Text(column).empty())
    return row.Fail(std::string(column) + ": must be empty on a " + std::string(type) + " row");
  return Status::Ok();
}

Result<int64_t> Whole(const TableRow& row, const char* column, int64_t lo, int64_t hi) {
  std::string_view s = row.Text(column);
  if (s.empty()) return row.Fail(std::string(column) + ": missing");
  bool digits = s.size() <= 6;
  for (char ch : s) digits = digits && ch >= '0' && ch <= '9';
  if (!digits) return row.Fail(std::string(column) + ": '" + std::string(s) + "' is not a whole number");
  const int64_t v = std::stoll(std::string(s));
  if (v < lo || v > hi)
    return row.Fail(std::string(column) + ": " + std::to_string(v) + " is outside " + std::to_string(lo) + " to " +
                    std::to_string(hi));
  return v;
}

}  // namespace

Result<Criteria> ParseCriteriaCsv(const std::string& name, std::string_view text) {
  CSU_ASSIGN_OR_RETURN(t, Table::Parse(name, text, {"type", "id", "parent", "kind", "name", "weight", "score"}));
  if (Status s = OnlyColumns(t, {"type", "id", "parent", "kind", "name", "weight", "score"}); !s.ok()) return s.error();
  Criteria c;
  std::set<int64_t> levels;
  std::set<std::string> ids;
  for (const auto& row : t.rows()) {
    const std::string_view type = row.Text("type");
    if (type == "criterion") {
      CriterionGroup g;
      CSU_ASSIGN_OR_RETURN(id, Id(row, "id"));
      g.id = id;
      if (Status s = MustBeEmpty(row, "parent", type); !s.ok()) return s.error();
      if (Status s = MustBeEmpty(row, "score", type); !s.ok()) return s.error();
      auto kind = ParseKind(row.Text("kind"));
      if (!kind) return row.Fail("kind: '" + std::string(row.Text("kind")) + "' is not quality, social_value or price");
      g.kind = *kind;
      CSU_ASSIGN_OR_RETURN(n, row.Required("name"));
      g.name = std::string(n);
      CSU_ASSIGN_OR_RETURN(w, Whole(row, "weight", 1, 100));
      g.weight = w;
      if (!ids.insert(g.id).second) return row.Fail("id: '" + g.id + "' is used twice");
      c.groups.push_back(std::move(g));
    } else if (type == "sub") {
      SubCriterion s;
      CSU_ASSIGN_OR_RETURN(id, Id(row, "id"));
      s.id = id;
      CSU_ASSIGN_OR_RETURN(parent, Id(row, "parent"));
      s.group = parent;
      if (Status st = MustBeEmpty(row, "kind", type); !st.ok()) return st.error();
      if (Status st = MustBeEmpty(row, "score", type); !st.ok()) return st.error();
      CSU_ASSIGN_OR_RETURN(n, row.Required("name"));
      s.name = std::string(n);
      CSU_ASSIGN_OR_RETURN(w, Whole(row, "weight", 1, 100));
      s.weight = w;
      if (!ids.insert(s.id).second) return row.Fail("id: '" + s.id + "' is used twice");
      c.subs.push_back(std::move(s));
    } else if (type == "scale") {
      for (const char* col : {"id", "parent", "kind", "weight"})
        if (Status st = MustBeEmpty(row, col, type); !st.ok()) return st.error();
      CSU_ASSIGN_OR_RETURN(score, Whole(row, "score", 0, 10));
      CSU_ASSIGN_OR_RETURN(d, row.Required("name"));
      if (!levels.insert(score).second) return row.Fail("score: level " + std::to_string(score) + " is given twice");
      c.scale.push_back({score, std::string(d)});
    } else {
      return row.Fail("type: '" + std::string(type) + "' is not criterion, sub or scale");
    }
  }
  std::sort(c.scale.begin(), c.scale.end(), [](const ScaleLevel& a, const ScaleLevel& b) { return a.score < b.score; });
  if (Status s = CheckCriteria(c); !s.ok()) return MakeError(name + ": " + s.error().where, s.error().why);
  return c;
}

Result<std::vector<EvaluatorScore>> ParseScoresCsv(const std::string& name, std::string_view text,
                                                   const std::string& evaluator) {
  CSU_ASSIGN_OR_RETURN(t, Table::Parse(name, text, {"bid", "criterion", "score"}));
  if (Status s = OnlyColumns(t, {"bid", "criterion", "score", "comment"}); !s.ok()) return s.error();
  const bool has_comment = t.HasColumn("comment");
  std::vector<EvaluatorScore> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& row : t.rows()) {
    EvaluatorScore s;
    s.evaluator = evaluator;
    CSU_ASSIGN_OR_RETURN(bid, Id(row, "bid"));
    CSU_ASSIGN_OR_RETURN(crit, Id(row, "criterion"));
    s.bid = bid;
    s.criterion = crit;
    CSU_ASSIGN_OR_RETURN(score, Whole(row, "score", 0, 10));
    s.score = score;
    if (has_comment) {
      s.comment = std::string(row.Text("comment"));
      if (s.comment.size() > 4000) return row.Fail("comment: longer than 4,000 characters");
    }
    if (!seen.insert({s.bid, s.criterion}).second)
      return row.Fail("bid " + s.bid + ", criterion " + s.criterion + " is scored twice in the file");
    out.push_back(std::move(s));
  }
  if (out.empty()) return MakeError(name, "the file holds no scores");
  return out;
}

}  // namespace csu::procurement
