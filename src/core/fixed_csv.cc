// The fixed-layout CSV frame: see fixed_csv.h.
#include "core/fixed_csv.h"

#include "core/csv_reader.h"
#include "core/text.h"

namespace csu {

std::string FileProblem::ToString(const std::string& file) const {
  std::string s = file + ":" + std::to_string(line);
  if (!field.empty()) s += ": " + field;
  return s + ": " + why;
}

std::optional<int64_t> ReadFixedCsv(
    std::string_view text, std::string_view header, size_t columns, std::string_view format,
    const std::function<void(int64_t line, const std::vector<std::string_view>& fields)>& row,
    std::vector<FileProblem>& problems) {
  auto problem = [&](int64_t line, std::string why) { problems.push_back({line, "", std::move(why)}); };
  CsvReader reader(text);
  std::vector<std::string_view> f;
  auto head = reader.Next(f);
  if (!head.ok() || !head.value()) {
    problem(head.ok() ? 1 : reader.record_line(), "no header row (" + std::string(format) + ")");
    return std::nullopt;
  }
  std::string got;
  for (size_t i = 0; i < f.size(); ++i) got += (i ? "," : "") + std::string(Trim(f[i]));
  if (got != header) {
    problem(reader.record_line(), "the header is not the " + std::to_string(columns) + " columns of " +
                                      std::string(format) + " in order");
    return std::nullopt;
  }
  while (problems.size() < kMaxFileProblems) {
    auto next = reader.Next(f);
    const int64_t line = reader.record_line();
    if (!next.ok()) {
      problem(line, "not a well-formed CSV record (" + next.error().why + ")");
      continue;
    }
    if (!next.value()) break;
    if (f.size() == 1 && Trim(f[0]).empty()) continue;  // a blank line
    if (f.size() != columns) {
      problem(line, "has " + std::to_string(f.size()) + " fields, not " + std::to_string(columns));
      continue;
    }
    row(line, f);
  }
  return reader.record_line();
}

}  // namespace csu
