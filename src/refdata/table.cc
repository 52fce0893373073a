#include "refdata/table.h"

#include "core/csv_reader.h"
#include "core/file.h"
#include "core/text.h"

namespace csu::refdata {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::optional<size_t> IndexOf(const std::vector<std::string>& columns, std::string_view column) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == column) return i;
  }
  return std::nullopt;
}

}  // namespace

Result<Table> Table::Load(const std::string& path, const std::vector<std::string>& required_columns,
                          const std::vector<std::string>& headerless_columns) {
  CSU_ASSIGN_OR_RETURN(text, ReadFile(path));
  return Parse(BaseName(path), text, required_columns, headerless_columns);
}

Result<Table> Table::Parse(std::string name_in, std::string_view text, const std::vector<std::string>& required_columns,
                           const std::vector<std::string>& headerless_columns) {
  auto header = std::make_shared<TableHeader>();
  header->name = std::move(name_in);
  const std::string& name = header->name;
  if (!IsValidUtf8(text)) return MakeError(name, "is not valid UTF-8");
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  auto where = [&] { return name + ":" + std::to_string(reader.record_line()); };
  if (headerless_columns.empty()) {
    auto got = reader.Next(fields);
    if (!got.ok()) return MakeError(where(), got.error().why);
    if (!got.value()) return MakeError(name, "is empty (expected a header row)");
    for (auto f : fields) header->columns.emplace_back(Trim(f));
    for (const auto& want : required_columns) {
      if (!IndexOf(header->columns, want)) return MakeError(where(), "missing required column '" + want + "'");
    }
  } else {
    header->columns = headerless_columns;
  }
  Table table;
  table.header_ = header;
  while (true) {
    auto got = reader.Next(fields);
    if (!got.ok()) return MakeError(where(), got.error().why);
    if (!got.value()) break;
    if (fields.size() != header->columns.size()) {
      return MakeError(where(), "has " + std::to_string(fields.size()) + " fields, expected " +
                                    std::to_string(header->columns.size()));
    }
    std::vector<std::string> owned;
    owned.reserve(fields.size());
    for (auto f : fields) owned.emplace_back(Trim(f));
    table.rows_.push_back(TableRow(header, reader.record_line(), std::move(owned)));
  }
  if (table.rows_.empty()) return MakeError(name, "has no data rows");
  return table;
}

bool Table::HasColumn(std::string_view column) const { return IndexOf(header_->columns, column).has_value(); }

Error TableRow::Fail(std::string why) const {
  return MakeError(header_->name + ":" + std::to_string(line_), std::move(why));
}

std::string_view TableRow::Text(std::string_view column) const {
  auto i = IndexOf(header_->columns, column);
  // Loaders only ask for columns they listed as required; asking for another
  // is a programmer error, not bad data.
  assert(i && "column not in table");
  return i ? std::string_view(fields_[*i]) : std::string_view();
}

Result<std::string_view> TableRow::Required(std::string_view column) const {
  std::string_view s = Text(column);
  if (s.empty()) return Fail(std::string(column) + ": value missing");
  return s;
}

Result<int64_t> TableRow::Int(std::string_view column) const {
  CSU_ASSIGN_OR_RETURN(s, Required(column));
  auto v = ParseInt(s);
  if (!v) return Fail(std::string(column) + ": '" + std::string(s) + "' is not a whole number");
  return *v;
}

Result<std::optional<int64_t>> TableRow::OptionalInt(std::string_view column) const {
  if (Text(column).empty()) return std::optional<int64_t>();
  CSU_ASSIGN_OR_RETURN(v, Int(column));
  return std::optional<int64_t>(v);
}

Result<std::optional<Money>> TableRow::OptionalMoney(std::string_view column) const {
  std::string_view s = Text(column);
  if (s.empty() || s == "-") return std::optional<Money>();
  auto m = Money::Parse(s);
  if (!m.ok()) return Fail(std::string(column) + ": " + m.error().why);
  if (m.value() < Money()) return Fail(std::string(column) + ": price is negative");
  return std::optional<Money>(m.value());
}

Result<Money> TableRow::RequiredMoney(std::string_view column) const {
  CSU_ASSIGN_OR_RETURN(m, OptionalMoney(column));
  if (!m) return Fail(std::string(column) + ": value missing");
  return *m;
}

Result<int64_t> TableRow::Scaled(std::string_view column, int digits) const {
  CSU_ASSIGN_OR_RETURN(s, Required(column));
  auto v = ParseScaled(s, digits);
  if (!v) {
    return Fail(std::string(column) + ": '" + std::string(s) + "' is not a decimal with at most " +
                std::to_string(digits) + " places");
  }
  return *v;
}

Result<std::optional<int64_t>> TableRow::OptionalScaled(std::string_view column, int digits) const {
  if (Text(column).empty()) return std::optional<int64_t>();
  CSU_ASSIGN_OR_RETURN(v, Scaled(column, digits));
  return std::optional<int64_t>(v);
}

Result<OdsCode> TableRow::Ods(std::string_view column) const {
  CSU_ASSIGN_OR_RETURN(s, Required(column));
  auto c = OdsCode::Parse(s);
  if (!c.ok()) return Fail(std::string(column) + ": " + c.error().why);
  return c.value();
}

Result<HrgCode> TableRow::Hrg(std::string_view column) const {
  CSU_ASSIGN_OR_RETURN(s, Required(column));
  auto c = HrgCode::Parse(s);
  if (!c.ok()) return Fail(std::string(column) + ": " + c.error().why);
  return c.value();
}

Result<TreatmentFunctionCode> TableRow::Tfc(std::string_view column) const {
  CSU_ASSIGN_OR_RETURN(s, Required(column));
  auto c = TreatmentFunctionCode::Parse(s);
  if (!c.ok()) return Fail(std::string(column) + ": " + c.error().why);
  return c.value();
}

Result<std::optional<Date>> TableRow::OdsDate(std::string_view column) const {
  std::string_view s = Text(column);
  if (s.empty()) return std::optional<Date>();
  if (s.size() != 8) return Fail(std::string(column) + ": '" + std::string(s) + "' is not a date YYYYMMDD");
  std::string iso = std::string(s.substr(0, 4)) + "-" + std::string(s.substr(4, 2)) + "-" + std::string(s.substr(6, 2));
  auto d = Date::Parse(iso);
  if (!d.ok()) return Fail(std::string(column) + ": '" + std::string(s) + "' is not a date YYYYMMDD");
  return std::optional<Date>(d.value());
}

Result<bool> TableRow::Flag(std::string_view column) const {
  std::string_view s = Text(column);
  if (s == "Yes" || s == "Y" || s == "1") return true;
  if (s == "No" || s == "N" || s == "0" || s.empty()) return false;
  return Fail(std::string(column) + ": '" + std::string(s) + "' is not Yes or No");
}

}  // namespace csu::refdata
