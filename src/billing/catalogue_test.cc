#include "billing/catalogue.h"

#include <gtest/gtest.h>

#include <fstream>

#include "synth/synth_testing.h"

namespace csu::billing {
namespace {

using synth::testing::TempDir;

const std::string kHeader = "kind,code,name,function,unit,price,per,meter,vat,effective_from,includes,description\n";

Result<std::vector<ItemVersion>> ReadText(const std::string& text) {
  static TempDir dir("catalogue");
  std::filesystem::create_directories(dir.path());
  const std::string path = dir.file("catalogue.csv");
  std::ofstream(path, std::ios::trunc) << text;
  return ReadCatalogueFile(path);
}

TEST(Catalogue, ReadsTheGoldenFileAndFindsTheVersionInForce) {
  auto versions = ReadCatalogueFile(std::string(CSU_SOURCE_DIR) + "/tests/golden/billing/catalogue.csv");
  ASSERT_TRUE(versions.ok()) << versions.error().ToString();
  Catalogue cat(versions.value());
  EXPECT_EQ(cat.InForce("BI-CORE", Date::FromYmd(2018, 3, 31)), nullptr);
  EXPECT_EQ(cat.InForce("BI-CORE", Date::FromYmd(2018, 6, 1))->price.pence(), 410);
  EXPECT_EQ(cat.InForce("BI-CORE", Date::FromYmd(2018, 7, 1))->price.pence(), 425);
  EXPECT_EQ(cat.InForce("BI-CORE", Date::FromYmd(2030, 1, 1))->price.pence(), 425);
  const ItemVersion* api = cat.InForce("BI-API", Date::FromYmd(2018, 6, 1));
  EXPECT_EQ(api->per, 1000);
  EXPECT_EQ(api->meter, "api_calls");
  const ItemVersion* full = cat.InForce("FULL", Date::FromYmd(2018, 6, 1));
  EXPECT_EQ(full->kind, ItemKind::kPackage);
  EXPECT_EQ(full->includes, (std::vector<std::string>{"BI-CORE", "CONTRACTS"}));
  EXPECT_EQ(cat.InForce("IG-DPO", Date::FromYmd(2018, 6, 1))->vat, Vat::kExempt);
  EXPECT_EQ(cat.History("BI-CORE").size(), 2u);
  EXPECT_EQ(cat.InForce("NOPE", Date::FromYmd(2018, 6, 1)), nullptr);
}

TEST(Catalogue, EveryBadRowIsRefusedNamingLineAndColumn) {
  struct Case {
    const char* row;
    const char* why;
  };
  const Case cases[] = {
      {"widget,A1,A,finance,fixed_month,1.00,,,,2018-04-01,,", "kind:"},
      {"service,a1,A,finance,fixed_month,1.00,,,,2018-04-01,,", "code:"},
      {"service,A1,A,cooking,fixed_month,1.00,,,,2018-04-01,,", "function:"},
      {"service,A1,A,finance,per_fortnight,1.00,,,,2018-04-01,,", "unit:"},
      {"service,A1,A,finance,fixed_month,1.005,,,,2018-04-01,,", "price"},
      {"service,A1,A,finance,fixed_month,-1.00,,,,2018-04-01,,", "price"},
      {"service,A1,A,finance,per_use,1.00,,,,2018-04-01,,", "meter:"},
      {"service,A1,A,finance,per_use,1.00,,coffees,,2018-04-01,,", "meter:"},
      {"service,A1,A,finance,per_use,1.00,0,payslips,,2018-04-01,,", "per:"},
      {"service,A1,A,finance,fixed_month,1.00,10,,,2018-04-01,,", "per:"},
      {"service,A1,A,finance,fixed_month,1.00,,payslips,,2018-04-01,,", "meter:"},
      {"service,A1,A,finance,fixed_month,1.00,,,reduced,2018-04-01,,", "vat:"},
      {"service,A1,A,finance,fixed_month,1.00,,,,2018-04-15,,", "first day of a month"},
      {"service,A1,A,finance,fixed_month,1.00,,,,someday,,", "effective_from:"},
      {"service,A1,A,finance,fixed_month,1.00,,,,2018-04-01,B1,", "includes:"},
      {"package,P1,P,,per_head_year,1.00,,,,2018-04-01,,", "includes:"},
      {"package,P1,P,finance,per_head_year,1.00,,,,2018-04-01,A1,", "function:"},
      {"package,P1,P,,per_head_year,1.00,,,,2018-04-01,NOPE,",
       "catalogue.csv:3: package P1 includes NOPE, which this file does not list: add NOPE's rows to the file, or "
       "take it out of the package's includes"},
      {"service,A2,Data\x1b[2Jwarehouse,finance,fixed_month,1.00,,,,2018-04-01,,", "name: control character (code 27) at character 5"},
      {"service,A2,\"Two\tcolumns\",finance,fixed_month,1.00,,,,2018-04-01,,", "name: control character (code 9)"},
  };
  for (const Case& c : cases) {
    auto r = ReadText(kHeader + "service,A1,A,finance,fixed_month,1.00,,,,2018-04-01,,\n" + c.row + "\n");
    ASSERT_FALSE(r.ok()) << c.row;
    EXPECT_NE(r.error().ToString().find(c.why), std::string::npos) << c.row << " -> " << r.error().ToString();
  }
  auto twice = ReadText(kHeader + "service,A1,A,finance,fixed_month,1.00,,,,2018-04-01,,\n"
                                  "service,A1,A,finance,fixed_month,2.00,,,,2018-04-01,,\n");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().ToString().find("catalogue.csv:3"), std::string::npos) << twice.error().ToString();
  auto kind_changes = ReadText(kHeader + "service,A1,A,finance,fixed_month,1.00,,,,2018-04-01,,\n"
                                         "package,A1,A,,fixed_month,1.00,,,,2019-04-01,A1,\n");
  EXPECT_FALSE(kind_changes.ok());
  auto unknown_column = ReadText("kind,code,name,function,unit,price,effective_from,colour\n"
                                 "service,A1,A,finance,fixed_month,1.00,2018-04-01,blue\n");
  ASSERT_FALSE(unknown_column.ok());
  EXPECT_NE(unknown_column.error().why.find("unknown column"), std::string::npos) << unknown_column.error().ToString();
}

}  // namespace
}  // namespace csu::billing

namespace csu::billing {
namespace {

TEST(Catalogue, AnIncludedCodeLeftOutOfTheFileNamesWhoHoldsIt) {
  static TempDir dir("catalogue-held");
  std::filesystem::create_directories(dir.path());
  const std::string path = dir.file("catalogue.csv");
  std::ofstream(path, std::ios::trunc) << kHeader << "service,A1,A,finance,fixed_month,1.00,,,,2018-04-01,,\n"
                                       << "package,P1,P,,per_head_year,1.00,,,,2018-04-01,A1;B1,\n";
  auto r = ReadCatalogueFile(path, [](const std::string& code) {
    return code == "B1" ? "B1 is in the stored catalogue and held by subscription 4 (02E B1 from 2018-04-01)" : "";
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "catalogue.csv:3");
  EXPECT_EQ(r.error().why,
            "package P1 includes B1, which this file does not list; B1 is in the stored catalogue and held by "
            "subscription 4 (02E B1 from 2018-04-01): a catalogue load adds versions and never removes an item, so "
            "keep B1's rows in the file (to stop selling it, let its subscriptions end instead)");
}

}  // namespace
}  // namespace csu::billing
