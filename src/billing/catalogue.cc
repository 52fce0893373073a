#include "billing/catalogue.h"

#include <algorithm>
#include <set>

#include "core/text.h"
#include "refdata/table.h"

namespace csu::billing {
namespace {

const std::vector<std::string> kRequired = {"kind", "code", "name", "unit", "price", "effective_from"};
const std::vector<std::string> kOptional = {"function", "per", "meter", "vat", "includes", "description"};

bool ValidCode(std::string_view code) {
  if (code.size() < 2 || code.size() > 24) return false;
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool Contains(const std::vector<std::string_view>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string Joined(const std::vector<std::string_view>& list) {
  std::string s;
  for (std::string_view v : list) {
    if (!s.empty()) s += ' ';
    s += v;
  }
  return s;
}

Result<ItemVersion> ParseRow(const refdata::TableRow& row) {
  ItemVersion v;
  CSU_ASSIGN_OR_RETURN(kind_text, row.Required("kind"));
  std::optional<ItemKind> kind = ParseKind(kind_text);
  if (!kind) return row.Fail("kind: \"" + std::string(kind_text) + "\" is not \"service\" or \"package\"");
  v.kind = *kind;

  CSU_ASSIGN_OR_RETURN(code, row.Required("code"));
  if (!ValidCode(code))
    return row.Fail("code: \"" + std::string(code) + "\" is not 2–24 characters of A–Z, 0–9 and -");
  v.code = std::string(code);

  CSU_ASSIGN_OR_RETURN(name, row.Required("name"));
  if (name.size() > 120 || !IsValidUtf8(name)) return row.Fail("name: longer than 120 characters or not UTF-8");
  // A name is printed on invoices, pages and workbooks: a control character
  // (a tab, a line break, an escape) would break or disguise them.
  for (size_t i = 0; i < name.size(); ++i) {
    const auto ch = static_cast<unsigned char>(name[i]);
    if (ch < 0x20 || ch == 0x7F)
      return row.Fail("name: control character (code " + std::to_string(ch) + ") at character " + std::to_string(i + 1) +
                      "; names are printed on invoices and pages");
  }
  v.name = std::string(name);

  std::string_view function = row.Text("function");
  if (v.kind == ItemKind::kService) {
    if (!Contains(Functions(), function))
      return row.Fail("function: \"" + std::string(function) + "\" is not one of " + Joined(Functions()));
    v.function = std::string(function);
  } else if (!function.empty()) {
    return row.Fail("function: a package has no function of its own (its services have)");
  }

  CSU_ASSIGN_OR_RETURN(unit_text, row.Required("unit"));
  std::optional<Unit> unit = ParseUnit(unit_text);
  if (!unit)
    return row.Fail("unit: \"" + std::string(unit_text) +
                    "\" is not one of per_head_year per_user_month per_use fixed_year fixed_month");
  v.unit = *unit;

  CSU_ASSIGN_OR_RETURN(price, row.RequiredMoney("price"));
  if (price.pence() < 0) return row.Fail("price: negative (a discount belongs on the subscription)");
  if (price.pence() > 100'000'000'00) return row.Fail("price: larger than £100 million");
  v.price = price;

  std::string_view per = row.Text("per");
  if (!per.empty()) {
    std::optional<int64_t> n = ParseInt(per);
    if (!n || *n < 1 || *n > 1'000'000) return row.Fail("per: \"" + std::string(per) + "\" is not a whole number 1–1,000,000");
    if (v.unit != Unit::kPerUse && *n != 1) return row.Fail("per: only a per_use price can be for more than one use");
    v.per = *n;
  }

  std::string_view meter = row.Text("meter");
  if (v.unit == Unit::kPerUse) {
    if (!IsMeter(meter) || meter == "active_users")
      return row.Fail("meter: a per_use item needs a meter: one of " + Joined(PlatformMeters()) + " " +
                      Joined(RecordedMeters()) + " (active_users is for per_user_month)");
    v.meter = std::string(meter);
  } else if (v.unit == Unit::kPerUserMonth) {
    if (!meter.empty() && meter != "active_users") return row.Fail("meter: a per_user_month item counts active_users");
    v.meter = "active_users";
  } else if (!meter.empty()) {
    return row.Fail("meter: only per_use and per_user_month items are metered");
  }

  std::string_view vat = row.Text("vat");
  if (!vat.empty()) {
    std::optional<Vat> parsed = ParseVat(vat);
    if (!parsed) return row.Fail("vat: \"" + std::string(vat) + "\" is not standard, zero or exempt");
    v.vat = *parsed;
  }

  CSU_ASSIGN_OR_RETURN(from_text, row.Required("effective_from"));
  Result<Date> from = Date::Parse(from_text);
  if (!from.ok()) return row.Fail("effective_from: " + from.error().why);
  if (from.value().day() != 1)
    return row.Fail("effective_from: " + std::string(from_text) + " is not the first day of a month (billing is monthly)");
  v.effective_from = from.value();

  std::string_view includes = row.Text("includes");
  if (v.kind == ItemKind::kPackage) {
    for (std::string_view part : Split(includes, ';')) {
      part = Trim(part);
      if (part.empty()) continue;
      v.includes.emplace_back(part);
    }
    if (v.includes.empty()) return row.Fail("includes: a package must include at least one service");
    std::sort(v.includes.begin(), v.includes.end());
    if (std::adjacent_find(v.includes.begin(), v.includes.end()) != v.includes.end())
      return row.Fail("includes: a service is listed twice");
  } else if (!includes.empty()) {
    return row.Fail("includes: only a package includes services");
  }

  std::string_view description = row.Text("description");
  if (description.size() > 400 || !IsValidUtf8(description))
    return row.Fail("description: longer than 400 characters or not UTF-8");
  v.description = std::string(description);
  return v;
}

}  // namespace

std::string_view KindName(ItemKind k) { return k == ItemKind::kService ? "service" : "package"; }

std::string_view UnitName(Unit u) {
  switch (u) {
    case Unit::kPerHeadYear: return "per_head_year";
    case Unit::kPerUserMonth: return "per_user_month";
    case Unit::kPerUse: return "per_use";
    case Unit::kFixedYear: return "fixed_year";
    case Unit::kFixedMonth: return "fixed_month";
  }
  return "?";
}

std::string_view VatName(Vat v) {
  switch (v) {
    case Vat::kStandard: return "standard";
    case Vat::kZero: return "zero";
    case Vat::kExempt: return "exempt";
  }
  return "?";
}

std::optional<ItemKind> ParseKind(std::string_view s) {
  if (s == "service") return ItemKind::kService;
  if (s == "package") return ItemKind::kPackage;
  return std::nullopt;
}

std::optional<Unit> ParseUnit(std::string_view s) {
  for (Unit u : {Unit::kPerHeadYear, Unit::kPerUserMonth, Unit::kPerUse, Unit::kFixedYear, Unit::kFixedMonth})
    if (UnitName(u) == s) return u;
  return std::nullopt;
}

std::optional<Vat> ParseVat(std::string_view s) {
  for (Vat v : {Vat::kStandard, Vat::kZero, Vat::kExempt})
    if (VatName(v) == s) return v;
  return std::nullopt;
}

const std::vector<std::string_view>& Functions() {
  static const std::vector<std::string_view> k = {
      "business_intelligence", "contracts_management", "procurement",   "finance",
      "payroll",               "hr",                   "it",            "estates",
      "governance",            "communications",       "continuing_healthcare", "primary_care_contracting"};
  return k;
}

const std::vector<std::string_view>& PlatformMeters() {
  static const std::vector<std::string_view> k = {"active_users", "reports_run", "exports", "api_calls",
                                                  "records_loaded"};
  return k;
}

const std::vector<std::string_view>& RecordedMeters() {
  static const std::vector<std::string_view> k = {"payslips", "procurements", "chc_assessments", "transactions",
                                                  "it_tickets"};
  return k;
}

bool IsMeter(std::string_view name) { return Contains(PlatformMeters(), name) || Contains(RecordedMeters(), name); }
bool IsRecordedMeter(std::string_view name) { return Contains(RecordedMeters(), name); }

Result<std::vector<ItemVersion>> ReadCatalogueFile(const std::string& path,
                                                   const std::function<std::string(const std::string& code)>& held) {
  CSU_ASSIGN_OR_RETURN(table, refdata::Table::Load(path, kRequired));
  for (const std::string& c : table.columns()) {
    if (std::find(kRequired.begin(), kRequired.end(), c) == kRequired.end() &&
        std::find(kOptional.begin(), kOptional.end(), c) == kOptional.end())
      return MakeError(table.name() + ":1",
                       "unknown column \"" + c + "\" (docs/formats/catalogue-v1.md lists the columns)");
  }
  std::vector<ItemVersion> out;
  std::map<std::pair<std::string, int32_t>, int64_t> line_of;
  for (const refdata::TableRow& row : table.rows()) {
    CSU_ASSIGN_OR_RETURN(v, ParseRow(row));
    auto [it, fresh] = line_of.emplace(std::pair{v.code, v.effective_from.days()}, row.line());
    if (!fresh)
      return row.Fail("code: " + v.code + " has a version from " + v.effective_from.ToString() + " already on line " +
                      std::to_string(it->second));
    out.push_back(std::move(v));
  }
  // A package's contents must be in the file itself, checked here to name the
  // package's line, the missing code and who holds it (a load adds versions
  // and never removes an item, so a code left out of the file is not gone).
  std::set<std::string, std::less<>> listed;
  for (const ItemVersion& v : out) listed.insert(v.code);
  for (size_t i = 0; i < out.size(); ++i) {
    for (const std::string& inc : out[i].includes) {
      if (listed.count(inc)) continue;
      const std::string holders = held ? held(inc) : std::string();
      std::string why = "package " + out[i].code + " includes " + inc + ", which this file does not list";
      if (holders.empty()) {
        why += ": add " + inc + "'s rows to the file, or take it out of the package's includes";
      } else {
        why += "; " + holders + ": a catalogue load adds versions and never removes an item, so keep " + inc +
               "'s rows in the file (to stop selling it, let its subscriptions end instead)";
      }
      return table.rows()[i].Fail(std::move(why));
    }
  }
  if (Status st = CheckCatalogue(out, table.name()); !st.ok()) return st.error();
  return out;
}

Status CheckCatalogue(const std::vector<ItemVersion>& versions, const std::string& where) {
  std::map<std::string, ItemKind> kinds;
  std::set<std::pair<std::string, int32_t>> seen;
  for (const ItemVersion& v : versions) {
    auto [it, fresh] = kinds.emplace(v.code, v.kind);
    if (!fresh && it->second != v.kind)
      return MakeError(where, v.code + " is a " + std::string(KindName(it->second)) + " in one version and a " +
                                  std::string(KindName(v.kind)) + " in another (a code's kind never changes)");
    if (!seen.emplace(v.code, v.effective_from.days()).second)
      return MakeError(where, v.code + " has two versions from " + v.effective_from.ToString());
  }
  for (const ItemVersion& v : versions) {
    for (const std::string& inc : v.includes) {
      auto it = kinds.find(inc);
      if (it == kinds.end()) return MakeError(where, "package " + v.code + " includes " + inc + ", which is not in the catalogue");
      if (it->second != ItemKind::kService)
        return MakeError(where, "package " + v.code + " includes " + inc + ", which is a package (packages hold services)");
    }
  }
  return Status::Ok();
}

Status ValidateVersion(const ItemVersion& v) {
  const std::string where = v.code + " from " + v.effective_from.ToString();
  if (!ValidCode(v.code)) return MakeError(where, "the code is not 2–24 characters of A–Z, 0–9 and -");
  if (v.price.pence() < 0 || v.price.pence() > 100'000'000'00) return MakeError(where, "the price must be £0 to £100 million");
  if (v.per < 1 || v.per > 1'000'000) return MakeError(where, "per must be 1–1,000,000");
  if (v.effective_from.day() != 1) return MakeError(where, "a price takes effect on the first day of a month");
  return Status::Ok();
}

Catalogue::Catalogue(std::vector<ItemVersion> versions) {
  for (ItemVersion& v : versions) by_code_[v.code].push_back(std::move(v));
  for (auto& [code, list] : by_code_)
    std::sort(list.begin(), list.end(),
              [](const ItemVersion& a, const ItemVersion& b) { return a.effective_from < b.effective_from; });
}

const ItemVersion* Catalogue::InForce(std::string_view code, Date day) const {
  auto it = by_code_.find(code);
  if (it == by_code_.end()) return nullptr;
  const ItemVersion* found = nullptr;
  for (const ItemVersion& v : it->second)
    if (v.effective_from <= day) found = &v;
  return found;
}

const std::vector<ItemVersion>& Catalogue::History(std::string_view code) const {
  static const std::vector<ItemVersion> kNone;
  auto it = by_code_.find(code);
  return it == by_code_.end() ? kNone : it->second;
}

std::vector<std::string> Catalogue::Codes() const {
  std::vector<std::string> out;
  for (const auto& [code, list] : by_code_) out.push_back(code);
  return out;
}

}  // namespace csu::billing
