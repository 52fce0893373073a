// The refusal limiter on its own, with a clock that moves only when told:
// windows, summaries, the cap on tracked principals, and no count lost when
// the audit log fails for a while.
#include "web/refusal_audit.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace csu::web {
namespace {

struct Written {
  std::string actor, action, subject, details;
};

class RefusalAuditTest : public ::testing::Test {
 protected:
  AuditFn Log() {
    return [this](const std::string& actor, const std::string& action, const std::string& subject,
                  const std::string& details) -> Status {
      if (failing_) return MakeError("catalog.sqlite", "the disk is full");
      written_.push_back({actor, action, subject, details});
      return Status::Ok();
    };
  }
  // Refusals of `actor` as written: full entries count one, summaries their count.
  int64_t Counted(const std::string& actor) const {
    int64_t n = 0;
    for (const Written& w : written_) {
      if (w.actor != actor) continue;
      if (w.action == kRefusalAction) ++n;
      if (w.action == kRefusalSummaryAction) n += nlohmann::json::parse(w.details).at("count").get<int64_t>();
    }
    return n;
  }
  Status Refuse(RefusalAuditLimiter& limiter, const std::string& actor, const std::string& tenant = "02E") {
    return limiter.Audit(actor, "permission.refused", "tenant " + tenant, "{\"action\":\"view\"}");
  }

  tenancy::FakeClock clock_{1'790'000'000};
  bool failing_ = false;
  std::vector<Written> written_;
};

TEST_F(RefusalAuditTest, TheFirstRefusalIsWrittenAtOnceTheRestAsOneSummaryWhenTheWindowCloses) {
  RefusalAuditLimiter limiter(Log(), clock_);
  ASSERT_TRUE(Refuse(limiter, "viewer").ok());
  ASSERT_EQ(written_.size(), 1u);
  EXPECT_EQ(written_[0].action, "permission.refused");
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(Refuse(limiter, "viewer", i % 2 ? "27D" : "02E").ok());
  EXPECT_EQ(written_.size(), 1u);  // counted, not written
  clock_.Advance(59);
  ASSERT_TRUE(limiter.Audit("admin", "user.add", "user x", "{}").ok());
  EXPECT_EQ(written_.size(), 2u);  // the window is still open
  clock_.Advance(1);
  ASSERT_TRUE(limiter.Audit("admin", "user.add", "user y", "{}").ok());
  ASSERT_EQ(written_.size(), 4u);  // the summary first, then the entry that came after it
  EXPECT_EQ(written_[2].action, "permission.refused.summary");
  EXPECT_EQ(written_[2].actor, "viewer");
  EXPECT_EQ(written_[2].subject, "7 refusals");
  const auto d = nlohmann::json::parse(written_[2].details);
  EXPECT_EQ(d.at("count"), 7);
  EXPECT_EQ(d.at("samples").size(), 2u);  // two distinct refusals
  EXPECT_EQ(d.at("window_seconds"), 60);
  EXPECT_EQ(written_[3].subject, "user y");
  EXPECT_EQ(limiter.tracked(), 0u);
  // A new window begins with a full entry again.
  ASSERT_TRUE(Refuse(limiter, "viewer").ok());
  EXPECT_EQ(written_.back().action, "permission.refused");
  EXPECT_EQ(Counted("viewer"), 9);
}

TEST_F(RefusalAuditTest, ALoneRefusalMakesNoSummary) {
  RefusalAuditLimiter limiter(Log(), clock_);
  ASSERT_TRUE(Refuse(limiter, "viewer").ok());
  clock_.Advance(61);
  ASSERT_TRUE(limiter.Flush().ok());
  EXPECT_EQ(written_.size(), 1u);
  EXPECT_EQ(limiter.tracked(), 0u);
}

TEST_F(RefusalAuditTest, TrackedPrincipalsAreCappedBySummarisingTheOldestEarly) {
  RefusalAuditLimiter limiter(Log(), clock_, RefusalLimits{60, 3, 5});
  for (const char* who : {"a", "b", "c"}) {
    ASSERT_TRUE(Refuse(limiter, who).ok());
    ASSERT_TRUE(Refuse(limiter, who).ok());
    clock_.Advance(1);
  }
  EXPECT_EQ(limiter.tracked(), 3u);
  ASSERT_TRUE(Refuse(limiter, "d").ok());
  EXPECT_EQ(limiter.tracked(), 3u);
  // "a", the oldest window, was summarised to make room.
  EXPECT_EQ(written_[written_.size() - 2].action, "permission.refused.summary");
  EXPECT_EQ(written_[written_.size() - 2].actor, "a");
  ASSERT_TRUE(limiter.Flush().ok());
  for (const char* who : {"a", "b", "c"}) EXPECT_EQ(Counted(who), 2) << who;
  EXPECT_EQ(Counted("d"), 1);
}

TEST_F(RefusalAuditTest, CountsSurviveAFailingLogAndAreWrittenWhenItWorksAgain) {
  RefusalAuditLimiter limiter(Log(), clock_);
  ASSERT_TRUE(Refuse(limiter, "viewer").ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Refuse(limiter, "viewer").ok());
  clock_.Advance(60);
  failing_ = true;
  // The summary cannot be written: the refusals after the window keep
  // counting into it rather than starting a new window.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Refuse(limiter, "viewer").ok());
  EXPECT_FALSE(limiter.Flush().ok());
  EXPECT_EQ(limiter.tracked(), 1u);
  failing_ = false;
  ASSERT_TRUE(limiter.Flush().ok());
  EXPECT_EQ(Counted("viewer"), 16);
  // A first refusal that cannot be written starts no window: the next one
  // is tried in full.
  failing_ = true;
  EXPECT_FALSE(Refuse(limiter, "other").ok());
  EXPECT_EQ(limiter.tracked(), 0u);
  failing_ = false;
  ASSERT_TRUE(Refuse(limiter, "other").ok());
  EXPECT_EQ(written_.back().action, "permission.refused");
}

}  // namespace
}  // namespace csu::web
