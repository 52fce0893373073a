#include "pg/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>

#include <cstdlib>
#include <map>
#include <vector>

#include "pg/placeholders.h"

namespace csu::pg {
namespace {

// PostgreSQL's type OIDs (src/include/catalog/pg_type.dat).
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

// libpq's message as one line: its line breaks and tabs (one line per host
// tried, an indented hint) become single spaces, so a printed error reads as
// a sentence rather than with escaped control characters.
std::string Trimmed(const char* s) {
  std::string out;
  for (const char* p = s != nullptr ? s : ""; *p != '\0'; ++p) {
    const bool blank = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';
    if (blank && (out.empty() || out.back() == ' ')) continue;
    out += blank ? ' ' : *p;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// PostgreSQL's message for a failed result: the primary message and the
// SQLSTATE, not the DETAIL (which may quote a row's values).
std::string ResultWhy(const PGresult* r, PGconn* conn) {
  const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string why = primary != nullptr ? primary : Trimmed(PQerrorMessage(conn));
  if (why.empty()) why = "no answer from the server";
  if (state != nullptr) why += std::string(" (SQLSTATE ") + state + ")";
  return why;
}

void IgnoreNotice(void*, const char*) {}

// Every session's settings: Unix seconds and ISO text only are stored, so no
// server default may change how a value reads.
constexpr const char* kSessionSettings = "SET TIME ZONE 'UTC'; SET standard_conforming_strings = on";

class PgConnection;

class PgStatement final : public store::SqlStatementImpl {
 public:
  PgStatement(PgConnection* conn, TranslatedSql sql) : conn_(conn), sql_(std::move(sql)) {
    params_.resize(static_cast<size_t>(sql_.parameters));
  }
  ~PgStatement() override { Clear(); }
  void BindInt(int i, int64_t v) override { Set(i, Param{kInt8Oid, std::to_string(v), false}); }
  void BindText(int i, std::string_view v) override { Set(i, Param{kTextOid, std::string(v), false}); }
  void BindNull(int i) override { Set(i, Param{0, "", true}); }
  Result<bool> Step() override;
  Status Run() override {
    auto r = Step();
    Clear();
    return r.ok() ? Status::Ok() : Status(r.error());
  }
  void Reset() override {
    Clear();
    for (Param& p : params_) p = Param{};
  }
  int64_t Int(int col) const override {
    if (result_ == nullptr || PQgetisnull(result_, row_, col)) return 0;
    const char* v = PQgetvalue(result_, row_, col);
    if (v[0] == 't' && v[1] == '\0') return 1;  // a boolean column
    if (v[0] == 'f' && v[1] == '\0') return 0;
    return std::strtoll(v, nullptr, 10);
  }
  std::string Text(int col) const override {
    if (result_ == nullptr || PQgetisnull(result_, row_, col)) return {};
    return std::string(PQgetvalue(result_, row_, col), static_cast<size_t>(PQgetlength(result_, row_, col)));
  }
  bool IsNull(int col) const override { return result_ == nullptr || PQgetisnull(result_, row_, col); }

 private:
  struct Param {
    Oid type = kTextOid;  // an unbound parameter is a null text
    std::string value;
    bool null = true;
  };
  void Set(int i, Param p) {
    if (i >= 1 && static_cast<size_t>(i) <= params_.size()) params_[static_cast<size_t>(i - 1)] = std::move(p);
  }
  void Clear() {
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
    row_ = -1;
  }

  PgConnection* conn_;
  TranslatedSql sql_;
  std::vector<Param> params_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

class PgConnection final : public store::SqlConnection {
 public:
  PgConnection(PGconn* conn, std::string name) : conn_(conn), name_(std::move(name)) {}
  ~PgConnection() override { PQfinish(conn_); }

  Status Exec(const std::string& sql) override {
    if (Status s = EnsureConnected(); !s.ok()) return s;
    PGresult* r = PQexec(conn_, sql.c_str());
    Status s = Check(r, "statement failed");
    const bool rolled_back = r != nullptr && std::string_view(PQcmdStatus(r)) == "ROLLBACK";
    PQclear(r);
    if (s.ok() && rolled_back && sql == "COMMIT")
      return MakeError(name_, "the transaction was rolled back by the server");
    return s;
  }

  Result<store::SqlStatement> Prepare(std::string_view sql) override {
    auto t = TranslatePlaceholders(sql);
    if (!t.ok()) return MakeError(name_, t.error().ToString());
    return store::SqlStatement(std::make_unique<PgStatement>(this, std::move(t).value()));
  }

  Status BeginWrite(int64_t lock) override {
    if (Status s = Exec("BEGIN"); !s.ok()) return s;
    in_transaction_ = true;
    if (Status s = Exec("SELECT pg_advisory_xact_lock(" + store::AdvisoryLockKeySql(std::to_string(lock)) + ")"); !s.ok()) {
      (void)Rollback();
      return s;
    }
    return Status::Ok();
  }
  Status Commit() override {
    Status s = Exec("COMMIT");
    in_transaction_ = false;
    return s;
  }
  Status Rollback() override {
    in_transaction_ = false;
    if (PQstatus(conn_) != CONNECTION_OK) return Status::Ok();  // the server has rolled it back already
    return Exec("ROLLBACK");
  }
  std::string_view Backend() const override { return "postgresql"; }
  const std::string& Name() const override { return name_; }

  // COPY ... FROM STDIN with `data` in COPY's text format, sent in pieces
  // of at most 1 MiB (libpq buffers each until the socket takes it).
  Status CopyIn(const std::string& copy_sql, std::string_view data) {
    if (Status s = EnsureConnected(); !s.ok()) return s;
    PGresult* r = PQexec(conn_, copy_sql.c_str());
    const bool ready = r != nullptr && PQresultStatus(r) == PGRES_COPY_IN;
    Status started = ready ? Status::Ok() : Check(r, "COPY failed");
    PQclear(r);
    if (!started.ok()) return started;
    if (!ready) return MakeError(name_, "COPY failed: the server did not ask for data");
    constexpr size_t kPiece = 1 << 20;
    for (size_t at = 0; at < data.size(); at += kPiece) {
      const size_t n = std::min(kPiece, data.size() - at);
      if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) {
        (void)PQputCopyEnd(conn_, "the client stopped sending");
        DrainResults();
        return MakeError(name_, "COPY failed: " + Trimmed(PQerrorMessage(conn_)));
      }
    }
    if (PQputCopyEnd(conn_, nullptr) != 1) {
      DrainResults();
      return MakeError(name_, "COPY failed: " + Trimmed(PQerrorMessage(conn_)));
    }
    Status s = Status::Ok();
    while (PGresult* done = PQgetResult(conn_)) {
      if (s.ok()) s = Check(done, "COPY failed");
      PQclear(done);
    }
    return s;
  }

  // Runs a translated statement with its parameters, preparing it once per
  // session under a name. Returns the result (TUPLES_OK or COMMAND_OK).
  Result<PGresult*> Execute(const std::string& sql, int nparams, const std::vector<Oid>& types,
                            const std::vector<const char*>& values) {
    if (Status s = EnsureConnected(); !s.ok()) return s.error();
    std::string key = sql;
    key += '\0';
    for (Oid t : types) key += std::to_string(t) + ",";
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      const std::string name = "csu_" + std::to_string(prepared_.size() + 1);
      PGresult* p = PQprepare(conn_, name.c_str(), sql.c_str(), nparams, types.data());
      Status s = Check(p, "cannot prepare statement");
      PQclear(p);
      if (!s.ok()) return s.error();
      it = prepared_.emplace(key, name).first;
    }
    PGresult* r = PQexecPrepared(conn_, it->second.c_str(), nparams, values.data(), nullptr, nullptr, 0);
    if (Status s = Check(r, "query failed"); !s.ok()) {
      PQclear(r);
      return s.error();
    }
    return r;
  }

 private:
  void DrainResults() {
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
  }
  Status Check(PGresult* r, const char* doing) {
    const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
    return MakeError(name_, std::string(doing) + ": " + ResultWhy(r, conn_));
  }
  // Between transactions, a broken connection is made again (the session's
  // prepared statements went with it).
  Status EnsureConnected() {
    if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
    if (in_transaction_) return MakeError(name_, "the connection was lost during a transaction");
    PQreset(conn_);
    prepared_.clear();
    if (PQstatus(conn_) != CONNECTION_OK)
      return MakeError(name_, "cannot reconnect: " + Trimmed(PQerrorMessage(conn_)));
    return Exec(kSessionSettings);
  }

  PGconn* conn_;
  std::string name_;
  bool in_transaction_ = false;
  std::map<std::string, std::string> prepared_;  // statement text + types -> prepared name
};

Result<bool> PgStatement::Step() {
  if (result_ == nullptr) {
    std::vector<Oid> types;
    std::vector<const char*> values;
    for (const Param& p : params_) {
      types.push_back(p.type);
      values.push_back(p.null ? nullptr : p.value.c_str());
    }
    CSU_ASSIGN_OR_RETURN(r, conn_->Execute(sql_.text, sql_.parameters, types, values));
    result_ = r;
    row_ = -1;
  }
  if (row_ + 1 < PQntuples(result_)) {
    ++row_;
    return true;
  }
  return false;
}

}  // namespace

bool IsPostgresUrl(const std::string& s) {
  return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

std::string RedactedUrl(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (opts == nullptr) {
    PQfreemem(err);
    return "the database URL";
  }
  std::map<std::string, std::string> v;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o)
    if (o->val != nullptr) v[o->keyword] = o->val;
  PQconninfoFree(opts);
  std::string out = "postgresql://";
  if (!v["user"].empty()) out += v["user"] + "@";
  // host and port may each be comma-separated lists (several servers).
  std::string hosts = v["host"].empty() ? v["hostaddr"] : v["host"];
  std::string ports = v["port"];
  if (ports.empty()) {
    out += hosts;
  } else {
    size_t hp = 0, pp = 0;
    bool first = true;
    while (hp <= hosts.size()) {
      const size_t he = hosts.find(',', hp);
      const size_t pe = ports.find(',', pp);
      out += (first ? "" : ",") + hosts.substr(hp, he == std::string::npos ? std::string::npos : he - hp) + ":" +
             ports.substr(pp, pe == std::string::npos ? std::string::npos : pe - pp);
      first = false;
      if (he == std::string::npos) break;
      hp = he + 1;
      if (pe != std::string::npos) pp = pe + 1;
    }
  }
  out += "/" + v["dbname"];
  return out;
}

Status CopyIn(store::SqlConnection& db, const std::string& copy_sql, std::string_view data) {
  auto* pg = dynamic_cast<PgConnection*>(&db);
  if (pg == nullptr) return MakeError(db.Name(), "COPY needs a PostgreSQL connection");
  return pg->CopyIn(copy_sql, data);
}

void AppendCopyText(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

Result<int64_t> SchemaLockKey(store::SqlConnection& db, int64_t key) {
  CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT " + store::AdvisoryLockKeySql("?1")));
  q.Bind(1, key);
  CSU_ASSIGN_OR_RETURN(row, q.Step());
  if (!row) return MakeError(db.Name(), "the lock key could not be read");
  const int64_t out = q.Int(0);
  q.Reset();
  return out;
}

Result<std::unique_ptr<store::SqlConnection>> Connect(const std::string& url) {
  const std::string name = RedactedUrl(url);
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return MakeError(name, "cannot connect: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Error e = MakeError(name, "cannot connect: " + Trimmed(PQerrorMessage(conn)));
    PQfinish(conn);
    return e;
  }
  // Notices (e.g. "relation already exists, skipping") are not errors and
  // must not reach the terminal or the access log.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  auto db = std::make_unique<PgConnection>(conn, name);
  if (Status s = db->Exec(kSessionSettings); !s.ok()) return s.error();
  return std::unique_ptr<store::SqlConnection>(std::move(db));
}

}  // namespace csu::pg
