#include "report/xlsx_writer.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "core/file.h"
#include "core/text.h"
#include "report/render.h"
#include "report/zip_archive.h"

namespace csu::report {
namespace {

constexpr size_t kMaxSheetNameUnits = 31;  // Excel's limit, in UTF-16 code units
constexpr lxw_row_t kTitleRow = 0;
constexpr lxw_row_t kHeaderRow = 1;
constexpr lxw_row_t kFirstDataRow = 2;
// numFmtId 49 is Excel's built-in text format "@". Only guarded text cells
// use it, which is how the quote-prefix pass finds their styles.
constexpr uint8_t kTextNumFmt = 49;

const Cell kEmptyCell{};
const Cell& CellAt(const std::vector<Cell>& row, size_t c) { return c < row.size() ? row[c] : kEmptyCell; }

// The rule of core/csv_writer.h: what a spreadsheet would evaluate.
bool LooksLikeFormula(std::string_view s) {
  return !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

std::string SafeText(std::string_view s) { return IsValidUtf8(s) ? std::string(s) : ReplaceInvalidUtf8(s, '?'); }

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (unsigned char b : s) n += (b & 0xC0) != 0x80;
  return n;
}

std::string AsciiLower(std::string s) {
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

// Cuts s (valid UTF-8) to at most max_units UTF-16 code units, on a character
// boundary: a character of four UTF-8 bytes is a surrogate pair in Excel.
std::string CutToUtf16Units(const std::string& s, size_t max_units) {
  size_t units = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    size_t need = len == 4 ? 2 : 1;
    if (units + need > max_units) break;
    units += need;
    i += len;
  }
  return s.substr(0, i);
}

std::string TrimNameEnds(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\'')) s.pop_back();
  size_t start = 0;
  while (start < s.size() && (s[start] == ' ' || s[start] == '\'')) ++start;
  return s.substr(start);
}

// ---- Formats ----

enum class Role : uint8_t { kValue, kGuardedText, kSuppressed, kHeader };

std::string NumberFormat(const Column& column) {
  int d = std::clamp(column.decimals, 0, 10);
  std::string places = d > 0 ? "." + std::string(static_cast<size_t>(d), '0') : "";
  switch (column.type) {
    case ColumnType::kCount:
      return "#,##0";
    case ColumnType::kInteger:
      return "0";
    case ColumnType::kMoney:
      return "\xC2\xA3#,##0.00;[Red]-\xC2\xA3#,##0.00";  // £#,##0.00;[Red]-£#,##0.00
    case ColumnType::kDecimal:
      return "#,##0" + places;
    case ColumnType::kPercent:
      return "0" + places + "%";
    case ColumnType::kText:
      return "";
  }
  return "";
}

// libxlsxwriter formats belong to the workbook; this hands out one per
// distinct look so the styles part stays small.
class Formats {
 public:
  explicit Formats(lxw_workbook* wb) : wb_(wb) {}

  lxw_format* Title() {
    if (title_ == nullptr) {
      title_ = workbook_add_format(wb_);
      format_set_bold(title_);
      format_set_font_size(title_, 13);
    }
    return title_;
  }
  lxw_format* Note() {
    if (note_ == nullptr) {
      note_ = workbook_add_format(wb_);
      format_set_italic(note_);
    }
    return note_;
  }

  // True once a guarded text style exists: the file then needs the
  // quote-prefix pass.
  bool guarded_used() const { return guarded_used_; }

  // nullptr means Excel's default (General), used for plain text.
  lxw_format* Get(Role role, const Column& column, bool bold) {
    std::string num = role == Role::kValue ? NumberFormat(column) : "";
    bool right = column.type != ColumnType::kText;
    if (role == Role::kValue && num.empty() && !bold) return nullptr;
    auto key = std::make_tuple(role, num, right, bold);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    if (bold) format_set_bold(f);
    switch (role) {
      case Role::kValue:
        if (!num.empty()) format_set_num_format(f, num.c_str());
        break;
      case Role::kGuardedText:
        format_set_num_format_index(f, kTextNumFmt);
        guarded_used_ = true;
        break;
      case Role::kSuppressed:
        format_set_align(f, LXW_ALIGN_RIGHT);
        break;
      case Role::kHeader:
        format_set_bottom(f, LXW_BORDER_THIN);
        if (right) format_set_align(f, LXW_ALIGN_RIGHT);
        break;
    }
    cache_.emplace(key, f);
    return f;
  }

 private:
  lxw_workbook* wb_;
  lxw_format* title_ = nullptr;
  lxw_format* note_ = nullptr;
  bool guarded_used_ = false;
  std::map<std::tuple<Role, std::string, bool, bool>, lxw_format*> cache_;
};

// ---- Writing one sheet ----

class SheetWriter {
 public:
  SheetWriter(lxw_worksheet* ws, Formats& formats, std::string sheet)
      : ws_(ws), formats_(formats), sheet_(std::move(sheet)) {}

  // Returns the first problem as "sheet 'X' cell B3: why", or "".
  std::string Write(const ReportTable& table) {
    const size_t ncols = table.columns.size();
    if (ncols > LXW_COL_MAX) return Where(0, 0) + "more columns than a sheet holds";
    size_t last_row = kFirstDataRow + table.rows.size() + 1 + table.notes.size();
    if (last_row >= LXW_ROW_MAX) return Where(0, 0) + "more rows than a sheet holds (1,048,576)";

    if (!table.title.empty()) Check(kTitleRow, 0, WriteText(kTitleRow, 0, table.title, formats_.Title(), true));
    std::vector<size_t> widths(ncols, 0);
    for (size_t c = 0; c < ncols; ++c) {
      const Column& column = table.columns[c];
      std::string label = column.label.empty() ? column.name : column.label;
      lxw_col_t col = static_cast<lxw_col_t>(c);
      Check(kHeaderRow, col, WriteText(kHeaderRow, col, label, formats_.Get(Role::kHeader, column, true), true));
      widths[c] = DisplayWidth(label) + 2;  // room for the autofilter button
    }

    lxw_row_t row = kFirstDataRow;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      if (!table.IsTotalRow(r)) WriteRow(table, table.rows[r], row++, false, widths);
    }
    lxw_row_t last_data = row - 1;  // == kHeaderRow when there are no data rows
    for (size_t r : table.total_rows) {
      if (r < table.rows.size()) WriteRow(table, table.rows[r], row++, true, widths);
    }
    if (!table.notes.empty()) {
      ++row;  // a blank row between the figures and their notes
      for (const std::string& note : table.notes) {
        Check(row, 0, WriteText(row, 0, note, formats_.Note(), false));
        ++row;
      }
    }

    for (size_t c = 0; c < ncols; ++c) {
      double width = static_cast<double>(std::clamp<size_t>(widths[c], 8, 60) + 1);
      lxw_col_t col = static_cast<lxw_col_t>(c);
      Check(kHeaderRow, col, worksheet_set_column(ws_, col, col, width, nullptr));
    }
    // Printed, a sheet is one page wide in landscape with the title and
    // labels repeated on every page: reports get printed for meetings.
    worksheet_set_landscape(ws_);
    worksheet_fit_to_pages(ws_, 1, 0);
    Check(kTitleRow, 0, worksheet_repeat_rows(ws_, kTitleRow, kHeaderRow));
    if (ncols > 0) {
      worksheet_freeze_panes(ws_, kFirstDataRow, 0);
      lxw_col_t last_col = static_cast<lxw_col_t>(ncols - 1);
      Check(kHeaderRow, 0, worksheet_autofilter(ws_, kHeaderRow, 0, last_data, last_col));
    }
    return first_error_;
  }

 private:
  void WriteRow(const ReportTable& table, const std::vector<Cell>& cells, lxw_row_t row, bool bold,
                std::vector<size_t>& widths) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Column& column = table.columns[c];
      const Cell& cell = CellAt(cells, c);
      lxw_col_t col = static_cast<lxw_col_t>(c);
      widths[c] = std::max(widths[c], DisplayWidth(FormatCell(column, cell)));
      switch (cell.kind) {
        case Cell::Kind::kEmpty:
          break;
        case Cell::Kind::kSuppressed:
          Check(row, col, worksheet_write_string(ws_, row, col, "*", formats_.Get(Role::kSuppressed, column, bold)));
          break;
        case Cell::Kind::kText: {
          Column text_column{column.name, ColumnType::kText, column.label, column.decimals};
          Check(row, col, WriteText(row, col, cell.text, formats_.Get(Role::kValue, text_column, bold), bold));
          break;
        }
        case Cell::Kind::kNumber: {
          double value = column.type == ColumnType::kMoney ? static_cast<double>(cell.number) / 100.0
                                                           : static_cast<double>(cell.number);
          Check(row, col, worksheet_write_number(ws_, row, col, value, formats_.Get(Role::kValue, column, bold)));
          break;
        }
        case Cell::Kind::kReal:
          if (std::isfinite(cell.real)) {
            double value = PublishedReal(column, cell.real);  // the precision the report shows, as in CSV
            Check(row, col, worksheet_write_number(ws_, row, col, value, formats_.Get(Role::kValue, column, bold)));
          }
          break;
      }
    }
  }

  // worksheet_write_string only ever writes a string cell (shared string),
  // whatever the text starts with: this is the one way text enters a sheet,
  // titles, labels and notes included. Text a spreadsheet would evaluate
  // swaps `format` for the guarded text style.
  lxw_error WriteText(lxw_row_t row, lxw_col_t col, const std::string& text, lxw_format* format, bool bold) {
    if (text.empty()) return LXW_NO_ERROR;
    if (LooksLikeFormula(text)) format = formats_.Get(Role::kGuardedText, Column{}, bold);
    return worksheet_write_string(ws_, row, col, SafeText(text).c_str(), format);
  }

  std::string Where(lxw_row_t row, lxw_col_t col) const {
    char cell[16];
    lxw_rowcol_to_cell(cell, row, col);
    return "sheet '" + sheet_ + "' cell " + cell + ": ";
  }

  void Check(lxw_row_t row, lxw_col_t col, lxw_error err) {
    if (err != LXW_NO_ERROR && first_error_.empty()) first_error_ = Where(row, col) + lxw_strerror(err);
  }

  lxw_worksheet* ws_;
  Formats& formats_;
  std::string sheet_;
  std::string first_error_;
};

// ---- Quote prefix ----

// Adds quotePrefix="1" to every cell style (cellXfs) with the text number
// format; see the header for why this is a pass over the finished file.
// Returns how many styles it marked.
size_t MarkQuotePrefix(std::string& styles) {
  size_t begin = styles.find("<cellXfs");
  size_t end = styles.find("</cellXfs>");
  if (begin == std::string::npos || end == std::string::npos) return 0;
  const std::string text_fmt = "numFmtId=\"" + std::to_string(kTextNumFmt) + "\"";
  size_t marked = 0;
  for (size_t at = styles.find("<xf ", begin); at != std::string::npos && at < end;
       at = styles.find("<xf ", at + 1)) {
    size_t close = styles.find('>', at);
    if (close == std::string::npos) break;
    std::string_view tag(styles.data() + at, close - at);
    if (tag.find(text_fmt) == std::string_view::npos || tag.find("quotePrefix") != std::string_view::npos) continue;
    const std::string attr = " quotePrefix=\"1\"";
    styles.insert(at + 3, attr);
    end += attr.size();
    ++marked;
  }
  return marked;
}

Status AddQuotePrefix(const std::string& staging, const std::string& path) {
  auto entries = ReadZip(staging);
  if (!entries.ok()) return MakeError(path, "cannot reopen the workbook: " + entries.error().why);
  for (ZipEntry& entry : entries.value()) {
    if (entry.name != "xl/styles.xml") continue;
    if (MarkQuotePrefix(entry.data) == 0) return MakeError(path, "no text style to mark with a quote prefix");
    Status s = WriteZip(staging, entries.value());
    if (!s.ok()) return MakeError(path, "cannot rewrite the workbook: " + s.error().why);
    return Status::Ok();
  }
  return MakeError(path, "the workbook has no xl/styles.xml");
}

// Removes the staging file however WriteXlsx leaves.
class StagingFile {
 public:
  explicit StagingFile(std::string path) : path_(std::move(path)) {}
  ~StagingFile() { std::remove(path_.c_str()); }
  StagingFile(const StagingFile&) = delete;
  StagingFile& operator=(const StagingFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::vector<std::string> XlsxSheetNames(const std::vector<std::string>& titles) {
  std::vector<std::string> names;
  std::set<std::string> used = {"history"};
  for (size_t i = 0; i < titles.size(); ++i) {
    std::string name;
    for (char ch : SafeText(titles[i])) {
      if (std::strchr("[]:*?/\\", ch) != nullptr && ch != '\0') {
        name.push_back('-');
      } else if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) {
        name.push_back(' ');
      } else {
        name.push_back(ch);
      }
    }
    name = TrimNameEnds(CutToUtf16Units(TrimNameEnds(name), kMaxSheetNameUnits));
    if (name.empty()) name = "Sheet" + std::to_string(i + 1);
    std::string unique = name;
    for (int n = 2; used.count(AsciiLower(unique)) > 0; ++n) {
      std::string suffix = " (" + std::to_string(n) + ")";
      unique = TrimNameEnds(CutToUtf16Units(name, kMaxSheetNameUnits - suffix.size())) + suffix;
    }
    used.insert(AsciiLower(unique));
    names.push_back(std::move(unique));
  }
  return names;
}

Status WriteXlsx(const std::string& path, const ReportTable& table) {
  return WriteXlsx(path, std::vector<ReportTable>{table});
}

Status WriteXlsx(const std::string& path, const std::vector<ReportTable>& tables) {
  if (tables.empty()) return MakeError(path, "no tables to write");
  // Opening the output first turns an unwritable directory into a plain
  // error naming `path` before any work is done.
  AtomicFileWriter out(path);
  Status opened = out.Open();
  // (The writer's own errors name its temporary file; ours name the file asked for.)
  if (!opened.ok()) return MakeError(path, opened.error().why);
  // libxlsxwriter writes the whole zip itself; it goes to a staging file in
  // the same directory, and only the finished bytes go through the atomic
  // writer to `path`.
  StagingFile staging(path + ".partial-" + std::to_string(::getpid()));
  lxw_workbook* wb = workbook_new(staging.path().c_str());
  if (wb == nullptr) return MakeError(path, "cannot start a workbook (out of memory)");

  std::vector<std::string> titles;
  for (const ReportTable& t : tables) titles.push_back(t.title);
  std::vector<std::string> names = XlsxSheetNames(titles);
  Formats formats(wb);
  std::string problem;
  for (size_t i = 0; i < tables.size() && problem.empty(); ++i) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, names[i].c_str());
    if (ws == nullptr) {
      problem = "cannot add sheet '" + names[i] + "'";
      break;
    }
    problem = SheetWriter(ws, formats, names[i]).Write(tables[i]);
  }
  bool guarded = formats.guarded_used();
  errno = 0;
  lxw_error closed = workbook_close(wb);  // frees wb whatever it returns
  int close_errno = errno;
  if (!problem.empty()) return MakeError(path, problem);
  if (closed != LXW_NO_ERROR) {
    std::string why = std::string("cannot write the workbook: ") + lxw_strerror(closed);
    if (closed == LXW_ERROR_CREATING_XLSX_FILE && close_errno != 0) why += " (" + ErrnoReason(close_errno) + ")";
    return MakeError(path, why);
  }
  if (guarded) {
    Status s = AddQuotePrefix(staging.path(), path);
    if (!s.ok()) return s;
  }

  auto bytes = ReadFile(staging.path());
  if (!bytes.ok()) return MakeError(path, "cannot read back the workbook: " + bytes.error().why);
  out.Append(bytes.value());
  Status committed = out.Commit();
  if (!committed.ok()) return MakeError(path, committed.error().why);
  return Status::Ok();
}

}  // namespace csu::report
