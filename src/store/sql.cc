#include "store/sql.h"

#include "store/sqlite_db.h"

namespace csu::store {

namespace {

class SqliteStatement final : public SqlStatementImpl {
 public:
  explicit SqliteStatement(Statement s) : s_(std::move(s)) {}
  void BindInt(int i, int64_t v) override { s_.Bind(i, v); }
  void BindText(int i, std::string_view v) override { s_.Bind(i, v); }
  void BindNull(int i) override { s_.BindNull(i); }
  Result<bool> Step() override { return s_.Step(); }
  Status Run() override { return s_.Run(); }
  void Reset() override { s_.Reset(); }
  int64_t Int(int col) const override { return s_.Int(col); }
  std::string Text(int col) const override { return s_.Text(col); }
  bool IsNull(int col) const override { return s_.IsNull(col); }

 private:
  Statement s_;
};

}  // namespace

SqliteConnection::SqliteConnection(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
SqliteConnection::~SqliteConnection() = default;
Status SqliteConnection::Exec(const std::string& sql) { return db_->Exec(sql); }
Result<SqlStatement> SqliteConnection::Prepare(std::string_view sql) {
  CSU_ASSIGN_OR_RETURN(s, db_->Prepare(sql));
  return SqlStatement(std::make_unique<SqliteStatement>(std::move(s)));
}
Status SqliteConnection::BeginWrite(int64_t) { return db_->Exec("BEGIN IMMEDIATE"); }
Status SqliteConnection::Commit() { return db_->Exec("COMMIT"); }
Status SqliteConnection::Rollback() { return db_->Exec("ROLLBACK"); }
const std::string& SqliteConnection::Name() const { return db_->path(); }

}  // namespace csu::store
