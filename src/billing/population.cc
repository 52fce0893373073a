#include "billing/population.h"

#include "refdata/refdata.h"

namespace csu::billing {

std::string CanonicalCcg(std::string_view text) {
  Result<OdsCode> code = OdsCode::Parse(text);
  return code.ok() ? std::string(code.value().view()) : std::string(text);
}

std::string CcgName(const refdata::RefData& ref, const std::string& ccg) {
  Result<OdsCode> code = OdsCode::Parse(ccg);
  const refdata::Ccg* c = code.ok() ? ref.FindCcg(code.value()) : nullptr;
  return c ? c->name : ccg;
}

std::optional<int64_t> PopulationIn(const std::string& ccg, Period p, const std::vector<PopulationUpdate>& updates,
                                    const refdata::RefData& ref) {
  const Date day = p.first_day();
  const PopulationUpdate* best = nullptr;
  for (const PopulationUpdate& u : updates)
    if (u.ccg == ccg && u.effective_from <= day && (!best || u.effective_from > best->effective_from)) best = &u;
  if (best) return best->patients;
  Result<OdsCode> code = OdsCode::Parse(ccg);
  if (!code.ok()) return std::nullopt;
  const refdata::Ccg* c = ref.FindCcg(code.value());
  if (!c) return std::nullopt;
  return c->registered_patients;
}

}  // namespace csu::billing
