// OCDS output: the four stages of one procurement as releases, a release
// package and a record package with the compiled release. The packages are
// compared byte for byte with tests/golden/procurement/ocds-*.json, and the
// ctest ocds_schema (scripts/ocds-validate.py) validates those same files
// against the OCDS 1.1 schemas in data/ocds. CSU_UPDATE_GOLDEN=1 rewrites the
// goldens (and fails, so a rewrite is never mistaken for a pass).
#include "procurement/ocds.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace csu::procurement {
namespace {

OcdsFacts Facts() {
  OcdsFacts f;
  f.ccg = "05D";
  f.ccg_name = "NHS East Staffordshire CCG";
  f.plan = {"05D", "P1", "Community MSK service", Money::FromPence(120000000), Regime::kPsr,
            PsrProcess::kCompetitive, "several capable providers and no incumbent to continue",
            "quality and innovation; value; integration; access; social value", Date::FromYmd(2025, 6, 1),
            Date::FromYmd(2025, 12, 1), "", ""};
  f.tender = {"05D", "T-1", "P1", "Community MSK service", Date::FromYmd(2025, 9, 1), TenderStatus::kOpen,
              std::nullopt};
  Criteria c;
  c.groups = {{"Q", "Quality", CriterionKind::kQuality, 60},
              {"S", "Social value", CriterionKind::kSocialValue, 10},
              {"P", "Price", CriterionKind::kPrice, 30}};
  f.tender.criteria = c;
  f.lots = {{"1", "North", Money::FromPence(60000000)}, {"2", "South", Money::FromPence(60000012)}};
  f.documents = {{"specification.pdf", 1, std::string(64, 'a'), 10, "2025-06-02T09:00:00Z", "pat"}};
  f.bids = {{{"B1", "Alpha Health", Money::FromPence(10000000)}, "RX1"},
            {{"B2", "Beta Care", Money::FromPence(8000000)}, "RX2"}};
  return f;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ProcurementOcds, FourStagesCompileIntoOneRecordMatchingTheGoldens) {
  OcdsPublisher pub{kTestOcidPrefix, "Example CSU (test data)", ""};
  OcdsFacts f = Facts();
  std::vector<nlohmann::json> releases;
  auto planning = BuildRelease(pub, f, "planning", 1, "2025-06-01T09:00:00Z");
  ASSERT_TRUE(planning.ok());
  releases.push_back(planning.value());
  auto tender = BuildRelease(pub, f, "tender", 1, "2025-06-02T09:00:00Z");
  ASSERT_TRUE(tender.ok());
  releases.push_back(tender.value());
  EXPECT_FALSE(BuildRelease(pub, f, "award", 1, "2025-12-19T09:00:00Z").ok());  // no award yet
  f.award = Award{"B2", "RX2", Money::FromPence(8000000), Regime::kPsr, Date::FromYmd(2025, 12, 19),
                  Date::FromYmd(2026, 1, 5), Date::FromYmd(2026, 1, 6), "", "", ""};
  auto award = BuildRelease(pub, f, "award", 1, "2025-12-19T09:00:00Z");
  ASSERT_TRUE(award.ok());
  releases.push_back(award.value());
  EXPECT_FALSE(BuildRelease(pub, f, "contract", 1, "2026-01-07T09:00:00Z").ok());  // not signed
  f.contract_signed = Date::FromYmd(2026, 1, 7);
  auto contract = BuildRelease(pub, f, "contract", 1, "2026-01-07T09:00:00Z");
  ASSERT_TRUE(contract.ok());
  releases.push_back(contract.value());

  EXPECT_EQ(releases[0]["ocid"], "ocds-test00-T-1");
  EXPECT_EQ(releases[3]["id"], "ocds-test00-T-1-contract-1");
  // Money is exact: 60,000,012 pence is 600000.12.
  EXPECT_EQ(releases[1]["tender"]["lots"][1]["value"]["amount"].dump(), "600000.12");

  const auto compiled = CompileRelease(releases);
  EXPECT_EQ(compiled["tender"]["status"], "complete");  // the award release's, the latest to set it
  EXPECT_EQ(compiled["awards"][0]["suppliers"][0]["name"], "Beta Care");
  EXPECT_EQ(compiled["contracts"][0]["dateSigned"], "2026-01-07T00:00:00Z");
  EXPECT_EQ(compiled["tag"], nlohmann::json({"compiled"}));
  EXPECT_TRUE(compiled.contains("planning"));
  // Parties merge by id: the buyer once, each bidder once.
  EXPECT_EQ(compiled["parties"].size(), 3u);

  const std::string rel = ReleasePackage(pub, releases, "2026-01-07T09:00:00Z").dump(2) + "\n";
  const std::string rec = RecordPackage(pub, releases, "2026-01-07T09:00:00Z").dump(2) + "\n";
  const std::string dir = std::string(CSU_SOURCE_DIR) + "/tests/golden/procurement/";
  if (std::getenv("CSU_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(dir + "ocds-release-package.json") << rel;
    std::ofstream(dir + "ocds-record-package.json") << rec;
    FAIL() << "CSU_UPDATE_GOLDEN is set: OCDS goldens rewritten";
  }
  EXPECT_EQ(rel, Read(dir + "ocds-release-package.json"));
  EXPECT_EQ(rec, Read(dir + "ocds-record-package.json"));
}

TEST(ProcurementOcds, UnknownStageIsRefused) {
  OcdsPublisher pub;
  auto r = BuildRelease(pub, Facts(), "tenderUpdate", 1, "2025-06-01T09:00:00Z");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("unknown stage"), std::string::npos);
}

}  // namespace
}  // namespace csu::procurement
