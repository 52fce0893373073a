#include "analytics/overview_figures.h"

#include <nlohmann/json.hpp>

#include <optional>

#include "analytics/json_int.h"

namespace csu::analytics {
namespace {

constexpr const char* kFormat = "csu-overview-figures-v1";

}  // namespace

std::string OverviewToJson(FinancialYear year, const std::string& group, const OverviewByCcg& figures) {
  nlohmann::json ccgs = nlohmann::json::array();
  for (const auto& [ccg, f] : figures)
    ccgs.push_back({{"ccg", ccg},
                    {"month", f.month},
                    {"plan_ytd_pence", f.plan_ytd_pence},
                    {"actual_ytd_pence", f.actual_ytd_pence},
                    {"forecast_profiled_pence", f.forecast_profiled_pence}});
  return nlohmann::json{{"format", kFormat}, {"year", year.ToString()}, {"group", group}, {"ccgs", ccgs}}.dump();
}

Result<OverviewByCcg> OverviewFromJson(std::string_view text, std::string_view where, FinancialYear year,
                                       const std::string& group, const std::set<std::string>& members) {
  const std::string w(where);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return MakeError(w, "overview figures: not a JSON object");
  auto format = j.find("format");
  if (format == j.end() || !format->is_string() || *format != kFormat)
    return MakeError(w, std::string("overview figures: format is not ") + kFormat);
  auto y = j.find("year");
  if (y == j.end() || !y->is_string() || y->get<std::string>() != year.ToString())
    return MakeError(w, "overview figures: not for the year " + year.ToString());
  auto g = j.find("group");
  if (g == j.end() || !g->is_string() || g->get<std::string>() != group)
    return MakeError(w, "overview figures: not for the group " + group);
  auto ccgs = j.find("ccgs");
  if (ccgs == j.end() || !ccgs->is_array()) return MakeError(w, "overview figures: no ccgs array");
  OverviewByCcg out;
  size_t n = 0;
  for (const nlohmann::json& c : *ccgs) {
    ++n;
    const std::string at = "overview figures: CCG " + std::to_string(n) + ": ";
    if (!c.is_object()) return MakeError(w, at + "not an object");
    auto code = c.find("ccg");
    if (code == c.end() || !code->is_string()) return MakeError(w, at + "no ccg");
    const std::string ccg = code->get<std::string>();
    // Named only once checked: an answer's text is never echoed unchecked.
    if (!members.count(ccg)) return MakeError(w, at + "not a CCG of the group " + group);
    OverviewFigures f;
    std::optional<int64_t> v[4];
    const char* keys[4] = {"month", "plan_ytd_pence", "actual_ytd_pence", "forecast_profiled_pence"};
    for (int k = 0; k < 4; ++k) {
      auto it = c.find(keys[k]);
      if (it == c.end() || !(v[k] = Int64Of(*it))) return MakeError(w, at + ccg + ": " + keys[k] + " is not an integer");
    }
    if (*v[0] < 1 || *v[0] > 12) return MakeError(w, at + ccg + ": month is not 1 to 12");
    f.month = static_cast<int>(*v[0]);
    f.plan_ytd_pence = *v[1];
    f.actual_ytd_pence = *v[2];
    f.forecast_profiled_pence = *v[3];
    if (!out.emplace(ccg, f).second) return MakeError(w, at + ccg + " twice");
  }
  return out;
}

}  // namespace csu::analytics
