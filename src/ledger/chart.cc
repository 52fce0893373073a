#include "ledger/chart.h"

#include <map>
#include <set>

#include "core/codes.h"
#include "core/csv_reader.h"
#include "core/text.h"

namespace csu::ledger {

namespace {
const std::vector<std::string> kHeader = {"record", "code", "name", "type", "holder", "role", "description"};
}

Status CheckChart(const std::vector<Account>& accounts, const std::string& where) {
  std::map<std::string, AccountType, std::less<>> top_type;
  std::set<std::string, std::less<>> names, codes;
  for (const Account& a : accounts) {
    if (!names.insert(a.name).second) return MakeError(where, "account " + a.name + " is listed twice");
    if (!codes.insert(a.code).second) return MakeError(where, "account code " + a.code + " is used twice");
    std::string top = a.name.substr(0, a.name.find(':'));
    auto [it, fresh] = top_type.emplace(top, a.type);
    if (!fresh && it->second != a.type)
      return MakeError(where, "account " + a.name + " is " + std::string(AccountTypeName(a.type)) +
                                  " but other accounts under " + top + ": are " +
                                  std::string(AccountTypeName(it->second)));
  }
  for (const Account& a : accounts) {
    auto after = names.upper_bound(a.name);
    if (after != names.end() && after->size() > a.name.size() && after->compare(0, a.name.size(), a.name) == 0 &&
        (*after)[a.name.size()] == ':')
      return MakeError(where, "account " + a.name + " is also the parent of " + *after +
                                  "; postings go to the lowest level, so list only leaf accounts");
  }
  return Status::Ok();
}

Result<ChartTemplate> ParseChartTemplate(std::string_view text, const std::string& file) {
  CsvReader reader(text);
  std::vector<std::string_view> f;
  Result<bool> header = reader.Next(f);
  if (!header.ok()) return MakeError(file + ":1", header.error().why);
  const bool has_header = header.value();
  if (!has_header || std::vector<std::string>(f.begin(), f.end()) != kHeader)
    return MakeError(file + ":1", "the header must be record,code,name,type,holder,role,description");
  ChartTemplate chart;
  std::set<std::string, std::less<>> cc_codes, cp_codes;
  while (true) {
    Result<bool> more = reader.Next(f);
    const std::string where = file + ":" + std::to_string(reader.record_line());
    if (!more.ok()) return MakeError(where, more.error().why);
    if (!more.value()) break;
    if (f.size() != kHeader.size())
      return MakeError(where, "a row has " + std::to_string(f.size()) + " fields, not " +
                                  std::to_string(kHeader.size()));
    const std::string record(Trim(f[0])), code(Trim(f[1])), name(Trim(f[2])), type(Trim(f[3])),
        holder(Trim(f[4])), role(Trim(f[5])), description(Trim(f[6]));
    if (code.empty() || code.size() > 20) return MakeError(where, "code must be 1–20 characters");
    if (record == "account") {
      if (std::string why = AccountNameProblem(name); !why.empty()) return MakeError(where, why);
      std::optional<AccountType> t = ParseAccountType(type);
      if (!t) return MakeError(where, "type must be asset, liability, equity, income or expense, not \"" + type + "\"");
      if (!role.empty() && role != "general_fund") return MakeError(where, "role must be empty or general_fund");
      if (role == "general_fund") {
        if (*t != AccountType::kEquity) return MakeError(where, "the general fund must be an equity account");
        if (!chart.general_fund.empty()) return MakeError(where, "a second account has role general_fund");
        chart.general_fund = name;
      }
      chart.accounts.push_back({name, code, *t, description});
    } else if (record == "cost_centre") {
      if (name.empty()) return MakeError(where, "a cost centre needs a name");
      if (holder.empty()) return MakeError(where, "a cost centre needs a budget holder");
      if (!cc_codes.insert(code).second) return MakeError(where, "cost centre " + code + " is listed twice");
      chart.cost_centres.push_back({code, name, holder});
    } else if (record == "counterparty") {
      if (!OdsCode::Parse(code).ok()) return MakeError(where, "\"" + code + "\" is not an ODS code");
      if (name.empty()) return MakeError(where, "a counterparty needs a name");
      if (!cp_codes.insert(ToUpper(code)).second) return MakeError(where, "counterparty " + code + " is listed twice");
      chart.counterparties.push_back({ToUpper(code), name});
    } else {
      return MakeError(where, "record must be account, cost_centre or counterparty, not \"" + record + "\"");
    }
  }
  if (chart.general_fund.empty()) return MakeError(file, "no account has role general_fund");
  if (Status s = CheckChart(chart.accounts, file); !s.ok()) return s.error();
  return chart;
}

}  // namespace csu::ledger
