// Uploading an extract through the web (docs/web.md, "Uploading extracts"),
// over a real state folder: the form's multipart POST, the job page until
// the file is loaded, the quarantine summary, the audit entries, the new
// figures on the pages without a restart, a refused file that changes
// nothing and says where and why, and roles that may not upload.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "analytics/commissioning_views.h"
#include "billing/meter.h"
#include "contracts/contract_store.h"
#include "http/request_parser.h"
#include "ingest/pseudonymiser.h"
#include "pricing/ingest_for_tests.h"
#include "pricing/priced_activity.h"
#include "refdata/refdata_for_tests.h"
#include "store/env.h"
#include "store/store.h"
#include "store/store_testing.h"
#include "tenancy/accounts.h"
#include "tenancy/password_policy.h"
#include "web/web_app.h"

namespace csu::web {
namespace {

using http::Method;
using http::Request;
using http::Response;
using tenancy::Role;

constexpr const char* kPassword = "correct-horse-battery-7";
constexpr const char* kHeader =
    "nhs_number,date_of_birth,sex,gp_practice,commissioner,provider,spell_id,admission_date,"
    "discharge_date,admission_method,patient_classification,treatment_function,hrg,"
    "primary_diagnosis,secondary_diagnoses\n";
// One 02E spell; the uploads add two more alike, so 02E's £ triples.
std::string Spell(const std::string& nhs, const std::string& id) {
  return nhs + ",1950-06-15,1,N81002,02E,RBT," + id + ",2018-05-01,2018-05-03,21,1,300,EB03E,I500,\n";
}

class UploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store::Env::Default().CreateDir(dir_.path()).ok());
    auto opened = store::Store::Open(dir_.state(), key_.Fingerprint());
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
    auto first = pricing::testing::IngestCsv(*store_, dir_.path() + "/first.csv",
                                             std::string(kHeader) + Spell("9434765919", "S1"),
                                             ingest::ExtractKind::kApc, key_);
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    auto db = contracts::ContractStore::Open(dir_.state());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    contracts_ = std::move(db).value();
    auto meter = billing::Meter::Open(dir_.state());
    ASSERT_TRUE(meter.ok()) << meter.error().ToString();
    meter_ = std::move(meter).value();
    tenancy::AccountsOptions o;
    o.audit = [this](const std::string& actor, const std::string& action, const std::string& subject,
                     const std::string& details) {
      std::lock_guard<std::mutex> lock(store_mu_);
      return store_->AppendAudit(actor, action, subject, details);
    };
    o.ref = &refdata::TestRefData();
    o.policy = &policy_;
    auto a = tenancy::Accounts::Open(dir_.state(), o);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    accounts_ = std::move(a).value();
    for (auto [name, role, tenant] : {std::tuple{"admin", Role::kCsuAdmin, ""}, {"analyst", Role::kCsuAnalyst, ""},
                                      {"commissioner", Role::kCcgCommissioner, "02E"},
                                      {"finance", Role::kCsuFinance, ""}}) {
      auto e = accounts_->AddUser({name, name, role, tenant, false}, kPassword, "test");
      ASSERT_TRUE(e.ok()) << e.error().ToString();
    }
    ASSERT_TRUE(accounts_->Assign("analyst", "02E", true, "test").ok());
    for (Role r : tenancy::kAllRoles) ASSERT_TRUE(accounts_->SetRoleRequiresMfa(r, false, "test").ok());

    UploadAccess u;
    u.data_dir = dir_.state();
    u.with_store = [this](const std::function<Status(store::Store&)>& fn) {
      std::lock_guard<std::mutex> lock(store_mu_);
      return fn(*store_);
    };
    u.ref = &refdata::TestRefData();
    u.pseudonymiser = &key_;
    u.meter = meter_.get();
    u.reload = [this, with_store = u.with_store]() -> Result<LoadedActivity> {
      std::optional<pricing::PricedActivity> priced;
      Status s = with_store([&](store::Store& st) -> Status {
        auto l = pricing::LoadPriced(st, refdata::TestRefData());
        if (!l.ok()) return l.error();
        priced = std::move(l).value();
        return Status::Ok();
      });
      if (!s.ok()) return s.error();
      ++reloads_;
      auto activity = std::make_shared<const pricing::PricedActivity>(std::move(*priced));
      auto views = std::make_shared<const analytics::CommissioningViews>(*activity, refdata::TestRefData(),
                                                                         *contracts_, &contracts_mu_);
      return LoadedActivity{std::move(activity), std::move(views), nullptr};
    };
    auto initial = u.reload();
    ASSERT_TRUE(initial.ok()) << initial.error().ToString();
    initial_ = std::move(initial).value();
    reloads_ = 0;
    PlatformRecords records;
    records.batches = [this] {
      std::lock_guard<std::mutex> lock(store_mu_);
      return store_->ListBatches();
    };
    records.quarantine_counts = [this] {
      std::lock_guard<std::mutex> lock(store_mu_);
      return store_->QuarantineCounts();
    };
    app_ = std::make_unique<WebApp>(WebOptions{FinancialYear(2018), false, {}}, *accounts_, *initial_.views,
                                    refdata::TestRefData(), o.audit, records);
    app_->EnableUploads(u);
  }

  std::string Session(const std::string& user) {
    tenancy::SignInResult r = accounts_->SignIn({user, kPassword, "", "10.0.0.9", ""});
    EXPECT_EQ(r.outcome, tenancy::SignInOutcome::kSignedIn) << r.message;
    return r.session_token;
  }
  std::string Cookie(const std::string& token) { return app_->session_cookie() + "=" + token; }

  Response Send(Method method, const std::string& target, const std::string& cookie, const std::string& body = "",
                const std::string& content_type = "") {
    Request r;
    r.method = method;
    r.target = target;
    EXPECT_FALSE(http::ParseTarget(target, http::ParserLimits{}, r).has_value()) << target;
    if (!cookie.empty()) r.headers.Add("cookie", cookie);
    if (!content_type.empty()) r.headers.Add("content-type", content_type);
    r.body = body;
    r.remote_address = "10.0.0.9";
    return app_->Handle(r);
  }

  // The upload form as a browser posts it.
  Response Upload(const std::string& session, const std::string& kind, const std::string& file_name,
                  const std::string& content, const std::string& csrf_override = "-") {
    const std::string b = "----csutest7";
    auto field = [&](const std::string& name, const std::string& value) {
      return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    };
    std::string body = field("csrf", csrf_override == "-" ? CsrfTokenFor(session) : csrf_override) +
                       field("kind", kind) + "--" + b +
                       "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
                       "\"\r\nContent-Type: text/csv\r\n\r\n" + content + "\r\n--" + b + "--\r\n";
    return Send(Method::kPost, "/data/uploads", Cookie(session), body, "multipart/form-data; boundary=" + b);
  }

  // The job's JSON once it has finished (polled as the job page's refresh would).
  nlohmann::json WaitFor(const std::string& session, const std::string& job_path) {
    const std::string api = "/api/v1" + job_path;
    for (int i = 0; i < 3000; ++i) {
      Response r = Send(Method::kGet, api, Cookie(session));
      EXPECT_EQ(r.status(), 200) << r.body();
      if (r.status() != 200) return {};
      nlohmann::json j = nlohmann::json::parse(r.body());
      if (j["finished"].get<bool>()) return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the upload did not finish";
    return {};
  }

  int64_t NonContractPence(const std::string& session) {
    Response r = Send(Method::kGet, "/api/v1/ccg/02E?month=2", Cookie(session));
    EXPECT_EQ(r.status(), 200) << r.body();
    return nlohmann::json::parse(r.body())["non_contract_ytd_pence"].get<int64_t>();
  }

  size_t Batches() {
    std::lock_guard<std::mutex> lock(store_mu_);
    return store_->ListBatches().value().size();
  }
  std::vector<store::AuditEntry> AuditEntries() {
    std::lock_guard<std::mutex> lock(store_mu_);
    return store_->Audit().value();
  }

  store::testing::ScratchDir dir_{"upload"};
  ingest::Pseudonymiser key_ = ingest::Pseudonymiser::FromKey(std::array<uint8_t, 32>{5});
  std::mutex store_mu_;
  std::unique_ptr<store::Store> store_;
  std::mutex contracts_mu_;
  std::unique_ptr<contracts::ContractStore> contracts_;
  std::unique_ptr<billing::Meter> meter_;
  tenancy::PasswordPolicy policy_ = tenancy::PasswordPolicy::FromList({"password1234"});
  std::unique_ptr<tenancy::Accounts> accounts_;
  LoadedActivity initial_;
  std::atomic<int> reloads_{0};
  std::unique_ptr<WebApp> app_;
};

TEST_F(UploadTest, ADataManagerUploadsAndThePagesShowTheNewFiguresWithoutARestart) {
  const std::string admin = Session("admin");
  const int64_t before = NonContractPence(admin);
  ASSERT_GT(before, 0);
  // The data-loads page has the form (multipart, with the CSRF field).
  Response data = Send(Method::kGet, "/data", Cookie(admin));
  ASSERT_EQ(data.status(), 200);
  EXPECT_NE(data.body().find("enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(data.body().find(CsrfTokenFor(admin)), std::string::npos);

  // Two spells like the first, and a row whose NHS number fails its check
  // digit (quarantined, the rest load).
  Response posted = Upload(admin, "apc", "apc-2018-05.csv",
                           std::string(kHeader) + Spell("9434765870", "S2") + Spell("9434765862", "S3") +
                               Spell("9434765918", "S4"));
  ASSERT_EQ(posted.status(), 303) << posted.body();
  const std::string job = std::string(posted.Header("Location"));
  ASSERT_EQ(job.rfind("/data/uploads/", 0), 0u) << job;
  const nlohmann::json done = WaitFor(admin, job);
  ASSERT_EQ(done["stage"], "done") << done.dump();
  EXPECT_EQ(done["rows_read"], 3);
  EXPECT_EQ(done["accepted"], 2);
  EXPECT_EQ(done["quarantined"], 1);
  ASSERT_EQ(done["quarantined_by_reason"].size(), 1u) << done.dump();
  EXPECT_EQ(done["quarantined_by_reason"].begin().key().rfind("nhs_number", 0), 0u) << done.dump();
  EXPECT_EQ(Batches(), 2u);
  EXPECT_EQ(reloads_, 1);

  // The job page: the batch and the quarantine summary, no longer refreshing.
  Response page = Send(Method::kGet, job, Cookie(admin));
  ASSERT_EQ(page.status(), 200);
  EXPECT_NE(page.body().find("Loaded as batch 2"), std::string::npos) << page.body();
  EXPECT_NE(page.body().find("Quarantined rows by reason"), std::string::npos);
  EXPECT_EQ(page.Header("Refresh"), "");
  EXPECT_EQ(page.body().find("9434765918"), std::string::npos) << "no row data on the page";

  // The same page, the new figures: three identical spells where there was one.
  EXPECT_EQ(NonContractPence(admin), 3 * before);

  // Audited: the batch's ingest (by the uploader) and the upload itself.
  bool ingest = false, upload = false;
  for (const store::AuditEntry& e : AuditEntries()) {
    ingest |= e.action == "ingest" && e.actor == "admin";
    upload |= e.action == "upload.load" && e.actor == "admin" && e.subject == "batch 2";
  }
  EXPECT_TRUE(ingest);
  EXPECT_TRUE(upload);

  // The same file again is recognised and loads nothing.
  Response again = Upload(admin, "apc", "copy.csv",
                          std::string(kHeader) + Spell("9434765870", "S2") + Spell("9434765862", "S3") +
                              Spell("9434765918", "S4"));
  const nlohmann::json twice = WaitFor(admin, std::string(again.Header("Location")));
  EXPECT_EQ(twice["stage"], "done");
  EXPECT_TRUE(twice["already_loaded"].get<bool>());
  EXPECT_EQ(Batches(), 2u);
  EXPECT_EQ(NonContractPence(admin), 3 * before);
}

TEST_F(UploadTest, ARefusedFileChangesNothingAndSaysWhereAndWhy) {
  const std::string analyst = Session("analyst");  // CSU analysts load data too
  const int64_t before = NonContractPence(analyst);
  const auto audit_before = AuditEntries().size();
  // A misnamed NHS number column: refused unless the extract has none.
  std::string misnamed = kHeader;
  misnamed.replace(0, 10, "NHSNumber");
  Response posted = Upload(analyst, "apc", "misnamed.csv", misnamed + Spell("9434765870", "S2"));
  ASSERT_EQ(posted.status(), 303) << posted.body();
  const nlohmann::json refused = WaitFor(analyst, std::string(posted.Header("Location")));
  ASSERT_EQ(refused["stage"], "refused") << refused.dump();
  ASSERT_TRUE(refused["problem"].is_string()) << refused.dump();
  const std::string problem = refused["problem"].get<std::string>();
  EXPECT_EQ(problem.rfind("misnamed.csv: line 1", 0), 0u) << problem;
  EXPECT_NE(problem.find("NHSNumber"), std::string::npos) << problem;
  EXPECT_EQ(problem.find(dir_.state()), std::string::npos) << "the server's folder is not shown: " << problem;
  Response page = Send(Method::kGet, std::string(posted.Header("Location")), Cookie(analyst));
  EXPECT_NE(page.body().find("Refused: misnamed.csv: line 1"), std::string::npos) << page.body();
  // A file cut off mid-row: refused with the line, as by `csu ingest`.
  Response cut = Upload(analyst, "apc", "cut.csv", std::string(kHeader) + Spell("9434765870", "S2") + "9434765862,1950");
  const nlohmann::json truncated = WaitFor(analyst, std::string(cut.Header("Location")));
  ASSERT_EQ(truncated["stage"], "refused") << truncated.dump();
  EXPECT_EQ(truncated["problem"].get<std::string>().rfind("cut.csv: line 3: the file looks truncated", 0), 0u)
      << truncated.dump();
  // Nothing stored, nothing reloaded, the same figures; each refusal audited.
  EXPECT_EQ(Batches(), 1u);
  EXPECT_EQ(reloads_, 0);
  EXPECT_EQ(NonContractPence(analyst), before);
  size_t refusals = 0;
  const auto entries = AuditEntries();
  for (size_t i = audit_before; i < entries.size(); ++i) refusals += entries[i].action == "upload.refused";
  EXPECT_EQ(refusals, 2u);
  // The uploads folder is left empty.
  EXPECT_TRUE(std::filesystem::is_empty(dir_.state() + "/uploads"));
}

TEST_F(UploadTest, OnlyDataManagersUploadAndOnlyWithTheForm) {
  const std::string file = std::string(kHeader) + Spell("9434765870", "S2");
  for (const char* user : {"commissioner", "finance"}) {
    const std::string s = Session(user);
    EXPECT_EQ(Upload(s, "apc", "a.csv", file).status(), 404) << user;
    EXPECT_EQ(Send(Method::kGet, "/data/uploads/1", Cookie(s)).status(), 404) << user;
    EXPECT_EQ(Send(Method::kGet, "/data", Cookie(s)).body().find("/data/uploads"), std::string::npos) << user;
  }
  const std::string admin = Session("admin");
  EXPECT_EQ(Upload(admin, "apc", "a.csv", file, "not-the-token").status(), 403) << "CSRF";
  EXPECT_EQ(Upload(admin, "xyz", "a.csv", file).status(), 400) << "kind";
  EXPECT_EQ(Send(Method::kPost, "/data/uploads", Cookie(admin), "csrf=" + CsrfTokenFor(admin),
                 "application/x-www-form-urlencoded")
                .status(),
            400)
      << "not multipart";
  EXPECT_EQ(Send(Method::kGet, "/data/uploads/99", Cookie(admin)).status(), 404);
  EXPECT_EQ(Batches(), 1u);
  EXPECT_EQ(reloads_, 0);
}

}  // namespace
}  // namespace csu::web
