#include "cli/table_output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/file.h"
#include "report/render.h"
#include "report/xlsx_writer.h"

namespace csu::cli {

std::string CheckTableFormat(const std::string& format, const std::string& out) {
  if (format != "table" && format != "csv" && format != "json" && format != "xlsx")
    return "--format: \"" + format + "\" is not table, csv, json or xlsx";
  if (format == "xlsx" && out.empty()) return "--format xlsx writes a workbook: give the file name with --out FILE.xlsx";
  return "";
}

int WriteText(const std::string& text, const std::string& out) {
  if (out.empty()) {
    std::cout << text;
    std::cout.flush();
    return std::cout ? kExitOk : kExitFailure;
  }
  AtomicFileWriter w(out);
  if (Status s = w.Open(); !s.ok()) return Fail(s.error().ToString());
  w.Append(text);
  if (Status s = w.Commit(); !s.ok()) return Fail(s.error().ToString());
  return kExitOk;
}

int WriteTables(const std::vector<report::ReportTable>& tables, const std::string& format, const std::string& out) {
  if (std::string problem = CheckTableFormat(format, out); !problem.empty()) {
    PrintError(problem);
    return kExitUsage;
  }
  std::string text;
  if (format == "xlsx") {
    if (Status s = report::WriteXlsx(out, tables); !s.ok()) {
      PrintError(s.error().ToString());
      return kExitFailure;
    }
    std::fprintf(stderr, "wrote %s (%zu sheet%s)\n", out.c_str(), tables.size(), tables.size() == 1 ? "" : "s");
    return kExitOk;
  }
  if (format == "json") {
    text = (tables.size() == 1 ? report::RenderJson(tables[0]) : report::RenderJson(tables)).dump(2) + "\n";
  } else if (format == "csv") {
    for (size_t i = 0; i < tables.size(); ++i) {
      if (tables.size() > 1) text += (i ? "\n# " : "# ") + tables[i].title + "\n";
      text += report::RenderCsv(tables[i]);
    }
  } else {
    report::TextOptions options;
    // On a terminal, use its width (panels split less); in pipes and files
    // keep the fixed default so the output does not depend on who ran it.
    winsize ws{};
    if (out.empty() && ::isatty(STDOUT_FILENO) == 1 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col >= 60)
      options.max_width = ws.ws_col;
    text = report::RenderText(tables, options);
  }
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  AtomicFileWriter w(out);
  Status s = w.Open();
  if (s.ok()) {
    w.Append(text);
    s = w.Commit();
  }
  if (!s.ok()) {
    PrintError(s.error().ToString());
    return kExitFailure;
  }
  std::fprintf(stderr, "wrote %s\n", out.c_str());
  return kExitOk;
}

}  // namespace csu::cli
