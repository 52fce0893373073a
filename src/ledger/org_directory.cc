#include "ledger/org_directory.h"

namespace csu::ledger {

OrgDirectory DirectoryOf(const refdata::RefData& ref) {
  return [&ref](const std::string& ods) -> std::optional<std::string> {
    Result<OdsCode> code = OdsCode::Parse(ods);
    if (!code.ok()) return std::nullopt;
    if (const auto* c = ref.FindCcg(code.value())) return c->name;
    if (const auto* t = ref.FindTrust(code.value())) return t->name;
    if (const auto* s = ref.FindCsu(code.value())) return s->name;
    if (ref.FindPractice(code.value()) != nullptr) return "GP practice " + ods;
    return std::nullopt;
  };
}

}  // namespace csu::ledger
