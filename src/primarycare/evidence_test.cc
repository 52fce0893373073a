// Evidence for enhanced-service claims (docs/primary-care.md, "Evidence"):
// the accepted types judged by their bytes, the size limit, a scheme that
// requires a file, practice isolation, files kept by content hash and
// checked when read, and a version 1 claims file brought up to version 2.
#include "primarycare/evidence.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "core/file.h"
#include "pg/pg_for_tests.h"
#include "primarycare/claims_testing.h"
#include "primarycare/claims_store.h"
#include "store/sql.h"
#include "store/sha256.h"
#include "store/sqlite_db.h"

namespace csu::primarycare {
namespace {

const std::string kPdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\0\0\rIHDR", 8);
const std::string kJpeg = "\xFF\xD8\xFF\xE0\x00\x10JFIF";
const std::string kXlsx = std::string("PK\x03\x04", 4) + "....[Content_Types].xml....xl/workbook.xml....";
const std::string kCsv = "date,tests\n2024-05-01,12\n2024-05-02,9\n";

TEST(Evidence, TypesAreJudgedByTheirBytes) {
  EXPECT_EQ(CheckEvidence("inr.pdf", kPdf).value().media_type, "application/pdf");
  EXPECT_EQ(CheckEvidence("rota.png", kPng).value().media_type, "image/png");
  EXPECT_EQ(CheckEvidence("rota.jpg", kJpeg).value().media_type, "image/jpeg");
  EXPECT_EQ(CheckEvidence("tests.xlsx", kXlsx).value().media_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(CheckEvidence("tests.CSV", kCsv).value().media_type, "text/csv");
  // The name does not make a type: a PDF's bytes named .png are a PDF; an
  // executable named .pdf, a ZIP that is not a workbook, and CSV text not
  // named .csv are refused.
  EXPECT_EQ(CheckEvidence("looks.png", kPdf).value().media_type, "application/pdf");
  EXPECT_EQ(CheckEvidence("tool.pdf", "MZ\x90\x00\x03").error().where, "evidence");
  EXPECT_FALSE(CheckEvidence("a.xlsx", std::string("PK\x03\x04", 4) + "word/document.xml").ok());
  EXPECT_FALSE(CheckEvidence("tests.txt", kCsv).ok());
  // CSV must be text: a NUL, a control character or broken UTF-8 refuses it.
  EXPECT_FALSE(CheckEvidence("a.csv", std::string("a,b\n\0,1\n", 8)).ok());
  EXPECT_FALSE(CheckEvidence("a.csv", "a,b\n\x1b[31m,1\n").ok());
  EXPECT_FALSE(CheckEvidence("a.csv", "a,b\n\xC3,1\n").ok());
  EXPECT_FALSE(CheckEvidence("a.csv", "a,\xC0\xAF\n").ok());  // overlong '/'
  EXPECT_TRUE(CheckEvidence("a.csv", "practice,note\nN81007,caf\xC3\xA9\n").ok());
}

TEST(Evidence, EmptyAndOversizedFilesAreRefused) {
  EXPECT_EQ(CheckEvidence("a.pdf", "").error().why, "the file is empty");
  std::string big = "%PDF-" + std::string(static_cast<size_t>(kMaxEvidenceBytes) - 5, 'x');
  EXPECT_TRUE(CheckEvidence("a.pdf", big).ok()) << "exactly the limit";
  big += 'x';
  EXPECT_EQ(CheckEvidence("a.pdf", big).error().why, "the file is 1000001 bytes, above the limit of 1000000");
}

TEST(Evidence, TheNameKeptIsASafeBaseName) {
  EXPECT_EQ(CheckEvidence("C:\\Users\\pm\\INR May.pdf", kPdf).value().file_name, "INR May.pdf");
  EXPECT_EQ(CheckEvidence("../../etc/x\".pdf", kPdf).value().file_name, "x.pdf");
  EXPECT_EQ(CheckEvidence("..", kPdf).value().file_name, "evidence");
  EXPECT_EQ(CheckEvidence(std::string(200, 'a') + ".pdf", kPdf).value().file_name.size(), 120u);
}

// On SQLite (files beside the database) and on PostgreSQL (server mode: the
// bytes in es_evidence_files, a fresh schema per test) when
// CSU_TEST_POSTGRES_URL names a server.
class EvidenceStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name)
      if (c == '/') c = '-';
    dir_ = std::filesystem::temp_directory_path() / ("csu-evidence-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (std::string(GetParam()) == "postgresql") {
      CSU_PG_TEST_SCHEMA(pg_);
    }
    Open();
    Scheme s = AnticoagScheme("01X");
    s.evidence = "A list of INR tests by date.";
    s.evidence_file = true;
    ASSERT_TRUE(db_->AddScheme(s, team_).ok());
  }
  // A new connection: on PostgreSQL another node.
  void Open() {
    db_.reset();
    ClaimsAuditFn audit = [this](const std::string&, const std::string& action, const std::string&,
                                 const std::string& details) {
      audit_.push_back(action + " " + details);
      return Status::Ok();
    };
    if (!pg_) {
      db_ = ClaimsStore::Open(dir_.string(), audit).value();
      return;
    }
    auto db = pg::Connect(pg_->url());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto opened = ClaimsStore::OpenServer(std::move(db).value(), audit);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    db_ = std::move(opened).value();
  }
  // Damages the stored copy of `sha256` (the file, or the server's row).
  void Tamper(const std::string& sha256) {
    if (pg_) {
      auto raw = pg::Connect(pg_->url());
      ASSERT_TRUE(raw.ok());
      // "%PDF-tampered" in hex.
      ASSERT_TRUE(raw.value()->Exec("UPDATE es_evidence_files SET content_hex = '255044462d74616d7065726564' "
                                    "WHERE sha256 = '" + sha256 + "'").ok());
      return;
    }
    std::ofstream out(dir_ / "primary-care-evidence" / sha256, std::ios::binary | std::ios::trunc);
    out << "%PDF-tampered";
  }
  std::optional<pg::TestSchema> pg_;
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  NewClaim Claim(const std::string& practice, const std::string& period, std::optional<NewClaim::File> file) {
    NewClaim c{"LES-ANTICOAG", practice, period, 10, "", std::nullopt};
    c.file = std::move(file);
    return c;
  }
  std::filesystem::path dir_;
  std::unique_ptr<ClaimsStore> db_;
  std::vector<std::string> audit_;
  ClaimsActor team_{"2024-06-03T09:00:00Z", "pc.team"};
  ClaimsActor p1_actor_{"2024-06-04T10:00:00Z", "a81001.manager"};
  ClaimScope ccg_{"01X", ""};
  ClaimScope p1_{"01X", "A81001"};
  ClaimScope p2_{"01X", "A81002"};
};

std::string BackendName(const ::testing::TestParamInfo<const char*>& i) { return i.param; }
INSTANTIATE_TEST_SUITE_P(Backends, EvidenceStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

TEST_P(EvidenceStoreTest, ASchemeThatRequiresAFileRefusesAClaimWithoutOne) {
  auto none = db_->Submit(p1_, Claim("A81001", "2024-05", std::nullopt), p1_actor_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().where, "evidence");
  EXPECT_TRUE(db_->Claims(ccg_).value().empty()) << "nothing stored";
  auto bad = db_->Submit(p1_, Claim("A81001", "2024-05", NewClaim::File{"list.pdf", "MZ not a pdf"}), p1_actor_);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(db_->Claims(ccg_).value().empty());
  auto ok = db_->Submit(p1_, Claim("A81001", "2024-05", NewClaim::File{"list.pdf", kPdf}), p1_actor_);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  auto files = db_->Evidence(ccg_, ok.value()).value();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].file_name, "list.pdf");
  EXPECT_EQ(files[0].media_type, "application/pdf");
  EXPECT_EQ(files[0].bytes, static_cast<int64_t>(kPdf.size()));
  EXPECT_EQ(files[0].sha256, store::Sha256Hex(kPdf));
  // Kept by its hash: beside the database, or in the server's table where
  // another node reads it.
  if (!pg_) {
    EXPECT_EQ(ReadFile((dir_ / "primary-care-evidence" / files[0].sha256).string()).value(), kPdf);
  }
  Open();
  auto again = db_->ReadEvidence(p1_, files[0].id);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  ASSERT_TRUE(again.value().has_value());
  EXPECT_EQ(again.value()->bytes, kPdf);
  ASSERT_FALSE(audit_.empty());
  EXPECT_NE(audit_.back().find(files[0].sha256), std::string::npos) << audit_.back();
}

TEST_P(EvidenceStoreTest, APracticeNeverSeesAnotherPracticesEvidence) {
  const int64_t mine = db_->Submit(p1_, Claim("A81001", "2024-05", NewClaim::File{"a.pdf", kPdf}), p1_actor_).value();
  const int64_t theirs =
      db_->Submit(p2_, Claim("A81002", "2024-05", NewClaim::File{"b.csv", kCsv}), {"2024-06-04T11:00:00Z", "b"}).value();
  const int64_t their_file = db_->Evidence(p2_, theirs).value().at(0).id;
  // The other practice's file is absent to p1, by list and by id.
  EXPECT_TRUE(db_->Evidence(p1_, theirs).value().empty());
  for (const EvidenceRow& e : db_->Evidence(p1_).value()) EXPECT_EQ(e.practice, "A81001");
  EXPECT_FALSE(db_->ReadEvidence(p1_, their_file).value().has_value());
  // Nor can p1 attach to it: it answers as a claim that does not exist.
  auto attach = db_->AttachEvidence(p1_, theirs, {"c.pdf", kPdf}, p1_actor_);
  ASSERT_FALSE(attach.ok());
  EXPECT_EQ(attach.error().why, "no such claim");
  // The CCG reviewer sees and reads both.
  EXPECT_EQ(db_->Evidence(ccg_).value().size(), 2u);
  auto read = db_->ReadEvidence(ccg_, their_file).value();
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->bytes, kCsv);
  EXPECT_EQ(read->row.media_type, "text/csv");
  (void)mine;
}

TEST_P(EvidenceStoreTest, EvidenceIsAddedBeforeTheDecisionAndOnlyByThePractice) {
  const int64_t id = db_->Submit(p1_, Claim("A81001", "2024-05", NewClaim::File{"a.pdf", kPdf}), p1_actor_).value();
  EXPECT_FALSE(db_->AttachEvidence(ccg_, id, {"x.pdf", kPdf}, team_).ok()) << "the CCG does not supply evidence";
  ASSERT_TRUE(db_->Query(ccg_, id, "Which dates?", team_).ok());
  auto more = db_->AttachEvidence(p1_, id, {"dates.png", kPng}, p1_actor_);
  ASSERT_TRUE(more.ok()) << more.error().ToString();
  EXPECT_EQ(db_->Evidence(p1_, id).value().size(), 2u);
  EXPECT_EQ(db_->History(p1_, id).value().back().kind, "evidence");
  ASSERT_TRUE(db_->Answer(p1_, id, "See the dates file.", std::nullopt, std::nullopt, p1_actor_).ok());
  ASSERT_TRUE(db_->Approve(ccg_, id, {"2024-07-01T09:00:00Z", "pc.team", ""}).ok());
  auto late = db_->AttachEvidence(p1_, id, {"late.pdf", kPdf}, p1_actor_);
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().why.find("approved"), std::string::npos);
  EXPECT_EQ(db_->Evidence(p1_, id).value().size(), 2u) << "nothing added";
}

TEST_P(EvidenceStoreTest, AFileChangedOnDiskIsReportedNotServed) {
  const int64_t id = db_->Submit(p1_, Claim("A81001", "2024-05", NewClaim::File{"a.pdf", kPdf}), p1_actor_).value();
  const EvidenceRow row = db_->Evidence(p1_, id).value().at(0);
  Tamper(row.sha256);
  auto read = db_->ReadEvidence(p1_, row.id);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().why.find("no longer matches"), std::string::npos);
  // Uploading the same bytes again restores the file under its hash.
  ASSERT_TRUE(db_->AttachEvidence(p1_, id, {"again.pdf", kPdf}, p1_actor_).ok());
  EXPECT_TRUE(db_->ReadEvidence(p1_, row.id).ok());
}

TEST_P(EvidenceStoreTest, AVersionOneFileIsBroughtUpToVersionTwo) {
  // PostgreSQL's tables start at version 2: there is no version-one file
  // to upgrade (the cluster tier counts a skip there as a failure).
  if (pg_) return;
  db_.reset();
  {
    auto raw = store::SqliteDb::Open((dir_ / "primary-care.sqlite").string(), "").value();
    ASSERT_TRUE(raw->Exec("DROP TABLE es_evidence; ALTER TABLE es_schemes DROP COLUMN evidence_file; "
                          "UPDATE es_meta SET value = '1' WHERE key = 'schema_version'")
                    .ok());
  }
  Open();
  auto schemes = db_->Schemes("01X").value();
  ASSERT_EQ(schemes.size(), 1u);
  EXPECT_FALSE(schemes[0].evidence_file) << "a version 1 scheme asked for no file";
  EXPECT_TRUE(db_->Submit(p1_, Claim("A81001", "2024-05", std::nullopt), p1_actor_).ok());
  Open();  // and opens again at version 2
  EXPECT_TRUE(db_->Evidence(ccg_).ok());
}

}  // namespace
}  // namespace csu::primarycare
