// Test code: a fresh PostgreSQL schema per test, on the server named by
// CSU_TEST_POSTGRES_URL (a postgresql:// URL whose role may CREATE SCHEMA in
// its database; docs/server-mode.md, "Tested"). Without the variable,
// TestSchema::Create() gives nullopt and the test skips itself with
// kNoPostgresMessage. The schema is dropped (CASCADE) when the object goes,
// so reruns never see an earlier run's rows. CSU_PG_TEST_SCHEMA (below) is
// those steps in a test's set-up. Header-only; for gtest tests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "pg/pg_connection.h"

namespace csu::pg {

inline constexpr const char* kNoPostgresMessage =
    "CSU_TEST_POSTGRES_URL is not set: the PostgreSQL run of this test is skipped";

class TestSchema {
 public:
  // nullopt when CSU_TEST_POSTGRES_URL is unset; aborts the test's set-up
  // (an Error) when it is set but the server cannot be used.
  static Result<std::optional<TestSchema>> Create() {
    const char* base = std::getenv("CSU_TEST_POSTGRES_URL");
    if (base == nullptr || *base == '\0') return std::optional<TestSchema>();
    static std::atomic<int> counter{0};
    TestSchema t;
    t.base_ = base;
    t.schema_ = "csu_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
    CSU_ASSIGN_OR_RETURN(admin, Connect(t.base_));
    if (Status s = admin->Exec("DROP SCHEMA IF EXISTS " + t.schema_ + " CASCADE; CREATE SCHEMA " + t.schema_); !s.ok())
      return s.error();
    t.url_ = t.base_ + (t.base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + t.schema_;
    return std::optional<TestSchema>(std::move(t));
  }
  TestSchema(TestSchema&& o) noexcept : base_(std::move(o.base_)), schema_(std::move(o.schema_)), url_(std::move(o.url_)) {
    o.schema_.clear();
  }
  TestSchema& operator=(TestSchema&&) = delete;
  ~TestSchema() {
    if (schema_.empty()) return;
    auto admin = Connect(base_);
    if (admin.ok()) (void)admin.value()->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  // The URL whose connections use this schema.
  const std::string& url() const { return url_; }
  const std::string& schema() const { return schema_; }

 private:
  TestSchema() = default;
  std::string base_, schema_, url_;
};

// A NOLOGIN role for row-level security tests, granted to the test's own
// role (so a connection may SET ROLE to it, or sign in with options -c
// role=...). False when the test's role may not CREATE ROLE: the caller
// skips, saying so.
inline bool CreateTestRole(const std::string& role) {
  auto admin = Connect(std::getenv("CSU_TEST_POSTGRES_URL"));
  return admin.ok() && admin.value()
                           ->Exec("DROP ROLE IF EXISTS " + role + "; CREATE ROLE " + role + " NOLOGIN; GRANT " + role +
                                  " TO CURRENT_USER")
                           .ok();
}

}  // namespace csu::pg

// In a test's SetUp (or body): the test's own schema into `out` (an
// std::optional<csu::pg::TestSchema>); a server that cannot be used fails
// the test, no server skips it. Both return from the calling function.
#define CSU_PG_TEST_SCHEMA(out)                                                   \
  do {                                                                           \
    auto csu_pg_schema_ = ::csu::pg::TestSchema::Create();                       \
    ASSERT_TRUE(csu_pg_schema_.ok()) << csu_pg_schema_.error().ToString();       \
    if (!csu_pg_schema_.value()) GTEST_SKIP() << ::csu::pg::kNoPostgresMessage;  \
    (out).emplace(std::move(*csu_pg_schema_.value()));                           \
  } while (0)
