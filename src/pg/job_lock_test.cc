// A singleton job's lock (pg/job_lock.h) with two connections, as two
// machines would hold it (run when CSU_TEST_POSTGRES_URL names a server,
// skipped otherwise): the second is refused naming the first, the first
// keeps it while its connection lives, a lost connection is noticed, and the
// lock is free again once its holder is gone. The key is this process's own
// (advisory locks are per database, and other tests share the server), and
// each test's schema makes it its own too (store::AdvisoryLockKeySql).
#include "pg/job_lock.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include "pg/pg_connection.h"
#include "pg/pg_for_tests.h"

namespace csu::pg {
namespace {

class PgJobLock : public ::testing::Test {
 protected:
  void SetUp() override { CSU_PG_TEST_SCHEMA(schema_); }
  // Not one of csu's keys (their high bytes spell "OpenCSU").
  const int64_t key_ = 0x7465737400000000 + ::getpid();
  std::optional<TestSchema> schema_;
};

TEST_F(PgJobLock, ASecondRunIsRefusedNamingTheFirstUntilItEnds) {
  auto first = JobLock::Take(schema_->url(), key_, "invoice run");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(first.value()->StillHeld().ok());
  auto second = JobLock::Take(schema_->url(), key_, "invoice run");
  ASSERT_FALSE(second.ok());
  const std::string why = second.error().ToString();
  EXPECT_NE(why.find("another invoice run is running against this database"), std::string::npos) << why;
  EXPECT_NE(why.find("csu invoice run on "), std::string::npos) << why;
  EXPECT_NE(why.find("pid " + std::to_string(::getpid())), std::string::npos) << why;
  EXPECT_NE(why.find("PostgreSQL backend "), std::string::npos) << why;
  EXPECT_NE(why.find("connected since "), std::string::npos) << why;
  EXPECT_EQ(why.find("password"), std::string::npos) << why;
  // Still refused while the first lives; taken once it is gone.
  EXPECT_FALSE(JobLock::Take(schema_->url(), key_, "invoice run").ok());
  first.value().reset();
  auto third = JobLock::Take(schema_->url(), key_, "invoice run");
  ASSERT_TRUE(third.ok()) << third.error().ToString();
  auto nobody = Connect(schema_->url());
  ASSERT_TRUE(nobody.ok());
  auto holder = LockHolder(*nobody.value(), key_ + 1);
  ASSERT_TRUE(holder.ok()) << holder.error().ToString();
  EXPECT_EQ(holder.value(), "");
}

// Two installations in two schemas of one database run their jobs and
// their writers independently; within one schema a job is one at a time.
// The platform's own keys are used: it is what each installation takes.
TEST_F(PgJobLock, InstallationsInTwoSchemasOfOneDatabaseDoNotBlockEachOther) {
  std::optional<TestSchema> other;
  CSU_PG_TEST_SCHEMA(other);
  const int64_t invoice_run = 0x4f70656e435355'0e;
  auto here = JobLock::Take(schema_->url(), invoice_run, "invoice run");
  ASSERT_TRUE(here.ok()) << here.error().ToString();
  auto there = JobLock::Take(other->url(), invoice_run, "invoice run");
  EXPECT_TRUE(there.ok()) << "another schema's invoice run was refused: " << there.error().ToString();
  EXPECT_FALSE(JobLock::Take(schema_->url(), invoice_run, "invoice run").ok());
  // A write transaction holding a lock in one schema does not hold up the other's.
  auto a = Connect(schema_->url());
  auto b = Connect(other->url());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a.value()->BeginWrite(0x4f70656e435355'04).ok());
  auto timed = b.value()->Exec("SET lock_timeout = '2s'");
  ASSERT_TRUE(timed.ok());
  EXPECT_TRUE(b.value()->BeginWrite(0x4f70656e435355'04).ok()) << "the other schema's writer waited";
  ASSERT_TRUE(b.value()->Commit().ok());
  ASSERT_TRUE(a.value()->Commit().ok());
  auto sa = SchemaLockKey(*a.value(), invoice_run), sb = SchemaLockKey(*b.value(), invoice_run);
  ASSERT_TRUE(sa.ok() && sb.ok());
  EXPECT_NE(sa.value(), sb.value());
}

TEST_F(PgJobLock, AHolderWhoseConnectionIsLostKnowsIt) {
  auto job = JobLock::Take(schema_->url(), key_, "invoice run");
  ASSERT_TRUE(job.ok()) << job.error().ToString();
  // Another session ends the holder's backend, as a failover or a restart
  // would: the server lets the lock go.
  auto other = Connect(schema_->url());
  ASSERT_TRUE(other.ok());
  auto q = other.value()->Prepare(
      "SELECT count(*) FROM (SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND "
      "l.classid::bigint = ?1 AND l.objid::bigint = ?2 AND l.objsubid = 1) t");
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  auto scoped = SchemaLockKey(*other.value(), key_);
  ASSERT_TRUE(scoped.ok()) << scoped.error().ToString();
  q.value().Bind(1, static_cast<int64_t>(static_cast<uint64_t>(scoped.value()) >> 32))
      .Bind(2, static_cast<int64_t>(static_cast<uint64_t>(scoped.value()) & 0xffffffffu));
  ASSERT_TRUE(q.value().Step().value());
  ASSERT_EQ(q.value().Int(0), 1);
  q.value().Reset();
  // The holder notices (its connection comes back without the lock), and
  // someone else can take it.
  Status held = Status::Ok();
  for (int i = 0; i < 50 && held.ok(); ++i) {
    held = job.value()->StillHeld();
    if (held.ok()) ::usleep(20000);
  }
  ASSERT_FALSE(held.ok());
  EXPECT_NE(held.error().ToString().find("the invoice run lost its lock"), std::string::npos) << held.error().ToString();
  EXPECT_TRUE(JobLock::Take(schema_->url(), key_, "invoice run").ok());
}

}  // namespace
}  // namespace csu::pg
