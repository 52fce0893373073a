// Builds small loaded-and-priced activity by hand for analytics tests, so a
// test states each record and its price and the expected figures can be
// worked out on paper.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"
#include "pricing/priced_activity.h"
#include "report/report_table.h"
#include "store/activity_tables.h"

namespace csu::analytics::testing {

struct SpellSpec {
  std::string commissioner = "02E";
  std::string provider = "RBT";
  uint32_t patient = 1;
  std::string admitted = "2018-04-02";
  std::string discharged = "2018-04-05";
  std::string method = "21";  // admission method
  pricing::Pod pod = pricing::Pod::kNonElective;
  int64_t pence = 100'000;
  std::string hrg = "EB03E";
  std::string tfc = "300";
  std::vector<std::string> unbundled;  // unbundled HRGs on the spell
  std::string diagnosis = "I500";
  std::vector<std::string> secondary;  // secondary diagnoses in position order
  std::string practice = "N81001";
  uint8_t age = 50;
  char discharge_method = '1';
  char classification = '1';
  bool priced = true;
};

struct OpSpec {
  std::string commissioner = "02E";
  std::string provider = "RBT";
  uint32_t patient = 1;
  std::string date = "2018-05-01";
  pricing::Pod pod = pricing::Pod::kOpFirst;
  int64_t pence = 15'000;
  std::string tfc = "100";
  std::string hrg = "";
  std::string practice = "N81001";
  char first_attendance = '1';
  char attended = '5';  // 5 seen on time; 2, 3, 7 were not seen
  bool priced = true;
};

struct AeSpec {
  std::string commissioner = "02E";
  std::string provider = "RBT";
  uint32_t patient = 1;
  std::string arrival = "2018-05-01T10:00";
  int32_t minutes = 120;  // arrival to departure
  std::string department = "01";
  std::string disposal = "03";
  int64_t pence = 14'000;
  std::string hrg = "VB09Z";
  std::string practice = "N81001";
  bool priced = true;  // false: not priced (Pod::kNone, £0)
};

class TestActivity {
 public:
  TestActivity& Spell(const SpellSpec& s);
  TestActivity& Op(const OpSpec& s);
  TestActivity& Ae(const AeSpec& s);
  // The activity so far, its tables indexed by commissioner and by day as
  // a load leaves them (rows added after this call leave the index short, and the
  // cube then scans: still right).
  pricing::PricedActivity& activity() {
    store::IndexByCommissioner(a_.tables.apc);
    store::IndexByCommissioner(a_.tables.op);
    store::IndexByCommissioner(a_.tables.ae);
    store::IndexDays(a_.tables.apc);
    store::IndexDays(a_.tables.op);
    store::IndexDays(a_.tables.ae);
    return a_;
  }
  uint16_t Id(store::Dimension d, std::string_view code);

 private:
  void Patient(uint32_t p);
  template <typename Table>
  void Common(Table& t, const std::string& commissioner, const std::string& provider, uint32_t patient,
              const std::string& practice);
  static void Price(pricing::PricedColumns& c, pricing::Pod pod, int64_t pence, bool priced);
  pricing::PricedActivity a_;
};

// Reading report tables by what a reader sees rather than by position, so a
// test names the row it means ("RBT, NEL") and survives a change of order.
// The index of the first row whose cells in the named columns show the
// given values (a text cell its text, a number cell its digits), or
// t.rows.size() when no row does.
size_t RowWhere(const report::ReportTable& t,
                std::initializer_list<std::pair<std::string_view, std::string_view>> match);
// The number (count, integer, pence) or real (percent, rate) in a row's
// named column; a missing row or column fails the test.
int64_t NumberAt(const report::ReportTable& t, size_t row, std::string_view column);
double RealAt(const report::ReportTable& t, size_t row, std::string_view column);

}  // namespace csu::analytics::testing
