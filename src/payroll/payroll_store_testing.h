// Test code for the payroll database: what server mode's payroll tables
// hold, raw, for the tests that prove no personal field is stored in clear
// (payroll_store_test.cc, payroll_server_test.cc), and a stand-in pay
// calculation for the tests of the workflow around it. Header-only; for
// tests, which link csu_pg.
#pragma once

#include <string>
#include <vector>

#include "payroll/payroll_store.h"
#include "pg/pg_connection.h"

namespace csu::payroll::testing {

// A stand-in for the pay calculation, for the tests of what surrounds it
// (runs, approval, outputs, nodes, migration): every payslip pays `gross`
// and `net` (and `taxable`), and adds them to the year to date it carries.
// The arithmetic has its own tests.
inline PayrollStore::PayCalculator FixedPay(int64_t gross_pence, int64_t net_pence, int64_t taxable_pence = 0) {
  return [=](const std::vector<PeriodInput>& in) -> Result<PayRunResult> {
    PayRunResult out;
    for (const PeriodInput& p : in) {
      Payslip s;
      s.employee_id = p.employee_id;
      s.cost_centre = p.cost_centre;
      s.tax_year = p.tax_year;
      s.period = p.period;
      s.pay_date = p.pay_date;
      s.tax_code = p.tax_code;
      s.leaving_date = p.leaving_date;
      s.gross = Money::FromPence(gross_pence);
      s.net = Money::FromPence(net_pence);
      s.taxable = Money::FromPence(taxable_pence);
      s.to_date = p.to_date;
      s.to_date.gross += s.gross;
      s.to_date.net += s.net;
      s.to_date.taxable += s.taxable;
      out.payslips.push_back(s);
    }
    return out;
  };
}

// A full-time (37.5 hours) band 5 assignment to post FIN01 from 1 April
// 2020 at `salary` a year, tax code 1257L, NI category A: the member of
// staff most workflow tests pay.
inline Assignment FullTimeFin01(int64_t employee_id, Money salary) {
  Assignment a;
  a.employee_id = employee_id;
  a.post_code = "FIN01";
  a.start = Date::FromYmd(2020, 4, 1);
  a.hours_x100 = 3750;
  a.fte_x100 = 100;
  a.band = "5";
  a.annual_salary = salary;
  a.tax_code = "1257L";
  a.ni_category = "A";
  return a;
}

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
