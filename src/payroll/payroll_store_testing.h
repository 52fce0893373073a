// Test code: what server mode's payroll tables hold, raw, for the tests that
// prove no personal field is stored in clear (payroll_store_test.cc,
// payroll_server_test.cc). Header-only; for tests, which link csu_pg.
#pragma once

#include <string>
#include <vector>

#include "pg/pg_connection.h"

namespace csu::payroll::testing {

// Every row of every table in `schema`, each as PostgreSQL prints a row
// (its text form), on a connection of its own; "" when the server cannot be
// read (the caller's assertions then fail on what they expect to find).
inline std::string RawServerRows(const std::string& url, const std::string& schema) {
  auto db = pg::Connect(url);
  if (!db.ok()) return "";
  auto tables = db.value()->Prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = ?1 ORDER BY table_name");
  if (!tables.ok()) return "";
  tables.value().Bind(1, schema);
  std::vector<std::string> names;
  for (;;) {
    auto row = tables.value().Step();
    if (!row.ok() || !row.value()) break;
    names.push_back(tables.value().Text(0));
  }
  std::string all;
  for (const std::string& t : names) {
    auto q = db.value()->Prepare("SELECT r::text FROM \"" + schema + "\".\"" + t + "\" r");
    if (!q.ok()) continue;
    for (;;) {
      auto row = q.value().Step();
      if (!row.ok() || !row.value()) break;
      all += t + ": " + q.value().Text(0) + "\n";
    }
  }
  return all;
}

}  // namespace csu::payroll::testing
