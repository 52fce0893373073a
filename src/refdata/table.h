// Reads one reference CSV file into rows addressed by column name, with every
// failure naming the file, the line and the reason. All reference loaders go
// through this one reader, so "a malformed reference file fails loading with
// the file, line and reason" is enforced in one place.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/codes.h"
#include "core/date.h"
#include "core/money.h"
#include "core/result.h"

namespace csu::refdata {

class Table;

// The file name and column names shared by a table's rows.
struct TableHeader {
  std::string name;
  std::vector<std::string> columns;
};

// One data row of a Table. The typed getters return an Error whose `where` is
// "file:line" and whose `why` names the column and the problem.
class TableRow {
 public:
  int64_t line() const { return line_; }
  // Raw text of a column (trimmed). The column must exist (checked by Load).
  std::string_view Text(std::string_view column) const;
  // Text that must not be empty.
  Result<std::string_view> Required(std::string_view column) const;
  Result<int64_t> Int(std::string_view column) const;
  Result<std::optional<int64_t>> OptionalInt(std::string_view column) const;
  // Whole pounds or pounds and pence; empty -> nullopt.
  Result<std::optional<Money>> OptionalMoney(std::string_view column) const;
  Result<Money> RequiredMoney(std::string_view column) const;
  // A decimal scaled exactly by 10^digits ("1.212802", 6 -> 1212802).
  Result<int64_t> Scaled(std::string_view column, int digits) const;
  Result<std::optional<int64_t>> OptionalScaled(std::string_view column, int digits) const;
  Result<OdsCode> Ods(std::string_view column) const;
  Result<HrgCode> Hrg(std::string_view column) const;
  Result<TreatmentFunctionCode> Tfc(std::string_view column) const;
  // "YYYYMMDD" as ODS files write dates; empty -> nullopt.
  Result<std::optional<Date>> OdsDate(std::string_view column) const;
  // "Yes"/"Y"/"1" -> true, "No"/"N"/"0"/"" -> false, else an error.
  Result<bool> Flag(std::string_view column) const;

  // An Error for this row: where = "file:line".
  Error Fail(std::string why) const;

 private:
  friend class Table;
  TableRow(std::shared_ptr<const TableHeader> header, int64_t line, std::vector<std::string> fields)
      : header_(std::move(header)), line_(line), fields_(std::move(fields)) {}
  std::shared_ptr<const TableHeader> header_;
  int64_t line_;
  std::vector<std::string> fields_;
};

class Table {
 public:
  // Loads `path`. With a non-empty `required_columns`, the header must name
  // each of them (in any order). With `headerless_columns` set instead, the
  // file has no header and those names are given to its columns in order.
  // Every row must have as many fields as the header. Errors name path:line.
  static Result<Table> Load(const std::string& path, const std::vector<std::string>& required_columns,
                            const std::vector<std::string>& headerless_columns = {});
  // The same for a file's text already read; `name` is how errors name the
  // file (Load passes the file name without directories).
  static Result<Table> Parse(std::string name, std::string_view text, const std::vector<std::string>& required_columns,
                             const std::vector<std::string>& headerless_columns = {});

  // The file name without directories, as errors and reports show it.
  const std::string& name() const { return header_->name; }
  const std::vector<TableRow>& rows() const { return rows_; }
  bool HasColumn(std::string_view column) const;
  const std::vector<std::string>& columns() const { return header_->columns; }

 private:
  std::shared_ptr<const TableHeader> header_;
  std::vector<TableRow> rows_;
};

}  // namespace csu::refdata
