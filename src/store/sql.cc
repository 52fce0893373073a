#include "store/sql.h"
#include "store/sql_schema.h"

#include "store/sqlite_db.h"

namespace csu::store {

std::string AdvisoryLockKeySql(std::string_view key) {
  // hashtextextended is PostgreSQL's own stable 64-bit text hash (11 and
  // later); # is bigint XOR.
  return "(" + std::string(key) + "::bigint # hashtextextended(current_schema(), 0))";
}


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

Status CreateServerSchemaIn(SqlConnection& db, const std::string& meta_table, const char* schema, int version) {
  if (Status s = db.Exec(schema); !s.ok()) return s;
  CSU_ASSIGN_OR_RETURN(ins, db.Prepare("INSERT INTO " + meta_table + "(key, value) VALUES ('schema_version', ?1)"));
  return ins.Bind(1, std::to_string(version)).Run();
}

Status PrepareServerSchema(SqlConnection& db, int64_t lock, const std::string& meta_table, const char* schema,
                           int version, const std::string& what) {
  return PrepareServerSchema(db, lock, meta_table, schema, version, what, {});
}

Status PrepareServerSchema(SqlConnection& db, int64_t lock, const std::string& meta_table, const char* schema,
                           int version, const std::string& what, const std::vector<SchemaUpgrade>& upgrades) {
  return InWriteTransaction(db, lock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(exists, db.Prepare("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                                            "current_schema() AND table_name = ?1"));
    exists.Bind(1, meta_table);
    CSU_ASSIGN_OR_RETURN(row, exists.Step());
    const bool fresh = row && exists.Int(0) == 0;
    exists.Reset();
    if (fresh) return CreateServerSchemaIn(db, meta_table, schema, version);
    CSU_ASSIGN_OR_RETURN(ver, db.Prepare("SELECT value FROM " + meta_table + " WHERE key = 'schema_version'"));
    CSU_ASSIGN_OR_RETURN(has, ver.Step());
    if (!has) return MakeError(db.Name(), "not a " + what + ": no schema_version in " + meta_table);
    std::string v = ver.Text(0);
    ver.Reset();
    for (const SchemaUpgrade& u : upgrades) {
      if (v != std::to_string(u.from)) continue;
      if (Status s = db.Exec(u.sql); !s.ok()) return s;
      v = std::to_string(u.from + 1);
      CSU_ASSIGN_OR_RETURN(set, db.Prepare("UPDATE " + meta_table + " SET value = ?1 WHERE key = 'schema_version'"));
      if (Status s = set.Bind(1, v).Run(); !s.ok()) return s;
    }
    if (v != std::to_string(version))
      return MakeError(db.Name(), what + " schema version " + v + " is not supported by this csu (it knows version " +
                                      std::to_string(version) + ")");
    return Status::Ok();
  });
}

}  // namespace csu::store
