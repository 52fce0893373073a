#include "reporting/reporting_store.h"

#include <cctype>
#include <map>

#include "pg/pg_connection.h"
#include "pricing/priced_activity.h"
#include "reporting/reporting_rows.h"
#include "store/store.h"

namespace csu::reporting {
namespace {

// Bytes of COPY text buffered before they are sent: bounded memory for a
// year of England's records, few enough round trips not to matter.
constexpr size_t kCopyBufferBytes = 8 << 20;

// Splices the schema name into a statement: every "S." becomes "<schema>.".
// The name is a checked plain identifier (PlainIdentifier).
std::string In(std::string_view schema, std::string_view sql) {
  std::string out;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == 'S' && i + 1 < sql.size() && sql[i + 1] == '.' && (i == 0 || !std::isalnum(static_cast<unsigned char>(sql[i - 1])))) {
      out += schema;
      continue;
    }
    out += sql[i];
  }
  return out;
}

constexpr const char* kTables = R"sql(
CREATE SCHEMA IF NOT EXISTS S_SCHEMA;
CREATE TABLE S.refresh (
  refresh_id bigint PRIMARY KEY,
  format_version integer NOT NULL,
  published_at timestamptz NOT NULL,
  published_by text NOT NULL,
  batch_ids text NOT NULL,
  batches integer NOT NULL,
  monthly_rows bigint NOT NULL,
  record_rows bigint NOT NULL
);
CREATE TABLE S.role_tenants (
  role_name text NOT NULL,
  ccg text NOT NULL,
  record_level integer NOT NULL,
  granted_at timestamptz NOT NULL,
  granted_by text NOT NULL,
  PRIMARY KEY (role_name, ccg)
);
CREATE TABLE S.monthly_activity (
  commissioner text NOT NULL,
  provider text NOT NULL,
  provider_name text NOT NULL,
  financial_year text NOT NULL,
  month smallint NOT NULL,
  month_start date NOT NULL,
  pod text NOT NULL,
  record_kind text NOT NULL,
  currency text NOT NULL,
  hrg_chapter text NOT NULL,
  hrg_chapter_name text NOT NULL,
  activity bigint NOT NULL,
  cost_pence bigint NOT NULL,
  cost_gbp numeric(16,2) GENERATED ALWAYS AS (cost_pence / 100.0) STORED
);
CREATE INDEX monthly_activity_by_commissioner ON S.monthly_activity (commissioner);
CREATE TABLE S.records (
  record_kind text NOT NULL,
  batch_id bigint NOT NULL,
  batch_row bigint NOT NULL,
  commissioner text NOT NULL,
  provider text NOT NULL,
  practice text NOT NULL,
  patient_pseudonym text,
  age smallint NOT NULL,
  sex text,
  activity_date date NOT NULL,
  admission_date date,
  financial_year text NOT NULL,
  month smallint NOT NULL,
  pod text NOT NULL,
  hrg text NOT NULL,
  hrg_chapter text NOT NULL,
  treatment_function text,
  price_pence bigint NOT NULL,
  price_gbp numeric(16,2) GENERATED ALWAYS AS (price_pence / 100.0) STORED
);
CREATE INDEX records_by_commissioner ON S.records (commissioner);

ALTER TABLE S.role_tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE S.role_tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_rows ON S.role_tenants TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY own_mapping ON S.role_tenants FOR SELECT TO PUBLIC USING (role_name = current_user);

ALTER TABLE S.monthly_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE S.monthly_activity FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_rows ON S.monthly_activity TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY ccg_rows ON S.monthly_activity FOR SELECT TO PUBLIC
  USING (commissioner IN (SELECT ccg FROM S.role_tenants WHERE role_name = current_user));

ALTER TABLE S.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE S.records FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_rows ON S.records TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY ccg_rows ON S.records FOR SELECT TO PUBLIC
  USING (commissioner IN (SELECT ccg FROM S.role_tenants WHERE role_name = current_user AND record_level = 1));
)sql";

Status CheckName(const store::SqlConnection& db, std::string_view what, std::string_view name) {
  if (PlainIdentifier(name)) return Status::Ok();
  return MakeError(db.Name(), std::string(what) + " '" + std::string(name) +
                                  "' is not a plain identifier (a-z, 0-9 and _, not starting with a digit, at most 63)");
}

// Creates the schema's tables and policies once. In a transaction of its
// own, before any publish: a policy change takes a lock readers would wait
// behind, so a publish never alters a table.
Status EnsureSchema(store::SqlConnection& db, std::string_view schema) {
  if (db.Backend() != "postgresql")
    return MakeError(db.Name(), "the reporting schema is for server mode: give a postgresql:// database");
  if (Status s = CheckName(db, "schema", schema); !s.ok()) return s;
  return store::InWriteTransaction(db, kReportingWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT CASE WHEN to_regclass(?1) IS NULL THEN 0 ELSE 1 END"));
    q.Bind(1, std::string(schema) + ".refresh");
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    const bool exists = row && q.Int(0) == 1;
    q.Reset();
    if (exists) return Status::Ok();
    std::string ddl = In(schema, kTables);
    const std::string marker = "S_SCHEMA";
    ddl.replace(ddl.find(marker), marker.size(), schema);
    return db.Exec(ddl);
  });
}

// A value for one parameter.
struct Value {
  enum class Kind { kInt, kText, kNull } kind = Kind::kNull;
  int64_t i = 0;
  std::string s;
  static Value Int(int64_t v) { return {Kind::kInt, v, {}}; }
  static Value Text(std::string_view v) { return {Kind::kText, 0, std::string(v)}; }
  static Value Null() { return {}; }
  static Value TextOrNull(std::string_view v) { return v.empty() ? Null() : Text(v); }
};

// Buffers rows in COPY's text format and sends them with COPY ... FROM
// STDIN (pg::CopyIn) every kCopyBufferBytes: several times the rows a
// second of multi-row INSERTs (docs/deploy.md §9.5). PostgreSQL refuses
// COPY into a table under row-level security, so the rows go into a
// temporary table dropped at commit and then, in the server, into the
// reporting table with one INSERT ... SELECT (Finish). Values are converted
// by the columns' own types (a date from its ISO text).
class BulkCopy {
 public:
  BulkCopy(store::SqlConnection& db, const std::string& schema, const std::string& table,
           const std::vector<std::string>& cols)
      : db_(db), target_(schema + "." + table), staging_("csu_load_" + table) {
    for (size_t c = 0; c < cols.size(); ++c) cols_ += (c ? ", " : "") + cols[c];
  }
  Status Add(const std::vector<Value>& row) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) buf_ += '\t';
      switch (row[c].kind) {
        case Value::Kind::kInt: buf_ += std::to_string(row[c].i); break;
        case Value::Kind::kText: pg::AppendCopyText(buf_, row[c].s); break;
        case Value::Kind::kNull: buf_ += "\\N"; break;
      }
    }
    buf_ += '\n';
    ++total_;
    return buf_.size() >= kCopyBufferBytes ? Send() : Status::Ok();
  }
  // Sends what is buffered and moves the staged rows into the table.
  Status Finish() {
    if (Status s = Send(); !s.ok()) return s;
    if (!staged_) return Status::Ok();
    return db_.Exec("INSERT INTO " + target_ + " (" + cols_ + ") SELECT " + cols_ + " FROM " + staging_);
  }
  int64_t total() const { return total_; }

 private:
  Status Send() {
    if (buf_.empty()) return Status::Ok();
    if (!staged_) {
      if (Status s = db_.Exec("CREATE TEMPORARY TABLE " + staging_ + " (LIKE " + target_ + ") ON COMMIT DROP");
          !s.ok())
        return s;
      staged_ = true;
    }
    Status s = pg::CopyIn(db_, "COPY " + staging_ + " (" + cols_ + ") FROM STDIN", buf_);
    buf_.clear();
    return s;
  }

  store::SqlConnection& db_;
  std::string target_, staging_, cols_, buf_;
  bool staged_ = false;
  int64_t total_ = 0;
};

}  // namespace

bool PlainIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 63 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

Result<PublishResult> Publish(store::SqlConnection& db, std::string_view schema, const pricing::PricedActivity& a,
                              const refdata::RefData& ref, const std::vector<store::BatchInfo>& batches,
                              const std::string& actor, const std::string& now) {
  // Computed and checked before the database is touched: a disagreement
  // with the platform's own figures publishes nothing.
  const std::vector<MonthlyRow> monthly = MonthlyActivity(a, ref);
  if (Status s = CheckAgainstCube(monthly, a); !s.ok()) return s.error();
  if (Status s = EnsureSchema(db, schema); !s.ok()) return s.error();
  PublishResult result;
  int active = 0;
  for (const store::BatchInfo& b : batches) {
    if (b.removed) continue;
    result.batch_ids += (active++ ? "," : "") + std::to_string(b.id);
  }
  result.published_at = now;
  const std::string sc(schema);
  Status written = store::InWriteTransaction(db, kReportingWriteLock, [&]() -> Status {
    if (Status s = db.Exec(In(sc, "DELETE FROM S.monthly_activity; DELETE FROM S.records")); !s.ok()) return s;
    BulkCopy m(db, sc, "monthly_activity",
               {"commissioner", "provider", "provider_name", "financial_year", "month", "month_start", "pod",
                "record_kind", "currency", "hrg_chapter", "hrg_chapter_name", "activity", "cost_pence"});
    for (const MonthlyRow& r : monthly) {
      Status s = m.Add({Value::Text(r.commissioner), Value::Text(r.provider), Value::Text(r.provider_name),
                        Value::Text(r.year.ToString()), Value::Int(r.month),
                        Value::Text(r.year.MonthStart(r.month).ToString()), Value::Text(r.pod),
                        Value::Text(r.record_kind), Value::Text(CurrencyOf(r.record_kind)), Value::Text(r.hrg_chapter),
                        Value::Text(r.hrg_chapter_name), Value::Int(r.activity), Value::Int(r.pence)});
      if (!s.ok()) return s;
    }
    if (Status s = m.Finish(); !s.ok()) return s;
    result.monthly_rows = m.total();
    BulkCopy rec(db, sc, "records",
                 {"record_kind", "batch_id", "batch_row", "commissioner", "provider", "practice", "patient_pseudonym",
                  "age", "sex", "activity_date", "admission_date", "financial_year", "month", "pod", "hrg",
                  "hrg_chapter", "treatment_function", "price_pence"});
    Status each = ForEachRecord(a, [&](const RecordRow& r) -> Status {
      return rec.Add({Value::Text(r.record_kind), Value::Int(r.batch_id), Value::Int(r.batch_row),
                      Value::Text(r.commissioner), Value::Text(r.provider), Value::Text(r.practice),
                      Value::TextOrNull(r.patient_pseudonym), Value::Int(r.age), Value::TextOrNull(r.sex),
                      Value::Text(r.activity_date.ToString()),
                      r.admission_date ? Value::Text(r.admission_date->ToString()) : Value::Null(),
                      Value::Text(r.year.ToString()), Value::Int(r.month), Value::Text(r.pod), Value::Text(r.hrg),
                      Value::Text(r.hrg_chapter), Value::TextOrNull(r.treatment_function), Value::Int(r.pence)});
    });
    if (!each.ok()) return each;
    if (Status s = rec.Finish(); !s.ok()) return s;
    result.record_rows = rec.total();
    CSU_ASSIGN_OR_RETURN(next, db.Prepare(In(sc, "SELECT COALESCE(MAX(refresh_id), 0) + 1 FROM S.refresh")));
    CSU_ASSIGN_OR_RETURN(row, next.Step());
    result.refresh_id = row ? next.Int(0) : 1;
    next.Reset();
    CSU_ASSIGN_OR_RETURN(ins, db.Prepare(In(sc,
                                            "INSERT INTO S.refresh (refresh_id, format_version, published_at, "
                                            "published_by, batch_ids, batches, monthly_rows, record_rows) "
                                            "VALUES (?1, ?2, CAST(?3 AS timestamptz), ?4, ?5, ?6, ?7, ?8)")));
    ins.Bind(1, result.refresh_id).Bind(2, kFormatVersion).Bind(3, now).Bind(4, actor).Bind(5, result.batch_ids);
    ins.Bind(6, int64_t{active}).Bind(7, result.monthly_rows).Bind(8, result.record_rows);
    return ins.Run();
  });
  if (!written.ok()) return written.error();
  return result;
}

Status Grant(store::SqlConnection& db, std::string_view schema, std::string_view ccg, std::string_view role,
             bool record_level, const std::string& actor, const std::string& now) {
  if (Status s = CheckName(db, "role", role); !s.ok()) return s;
  if (Status s = EnsureSchema(db, schema); !s.ok()) return s;
  const std::string sc(schema), r(role);
  return store::InWriteTransaction(db, kReportingWriteLock, [&]() -> Status {
    // RLS does not restrict a superuser, a BYPASSRLS role or the tables' owner.
    CSU_ASSIGN_OR_RETURN(who, db.Prepare("SELECT CASE WHEN rolsuper OR rolbypassrls THEN 1 ELSE 0 END, "
                                         "CASE WHEN rolname = current_user THEN 1 ELSE 0 END "
                                         "FROM pg_roles WHERE rolname = ?1"));
    who.Bind(1, r);
    CSU_ASSIGN_OR_RETURN(found, who.Step());
    if (found && who.Int(0) == 1)
      return MakeError("--role " + r, "is a superuser or bypasses row-level security, so it would read every CCG");
    if (found && who.Int(1) == 1)
      return MakeError("--role " + r, "owns the reporting tables and would read every CCG: choose another role");
    who.Reset();
    if (!found) {
      if (Status s = db.Exec("CREATE ROLE " + r + " LOGIN"); !s.ok()) return s;
    }
    if (Status s = db.Exec("ALTER ROLE " + r + " SET default_transaction_read_only = on; GRANT USAGE ON SCHEMA " +
                           sc + " TO " + r + "; " +
                           In(sc, "GRANT SELECT ON S.monthly_activity, S.records, S.refresh, S.role_tenants TO ") + r);
        !s.ok())
      return s;
    CSU_ASSIGN_OR_RETURN(map, db.Prepare(In(sc,
                                            "INSERT INTO S.role_tenants (role_name, ccg, record_level, granted_at, "
                                            "granted_by) VALUES (?1, ?2, ?3, CAST(?4 AS timestamptz), ?5) "
                                            "ON CONFLICT (role_name, ccg) DO UPDATE SET record_level = "
                                            "excluded.record_level, granted_at = excluded.granted_at, granted_by = "
                                            "excluded.granted_by")));
    map.Bind(1, r).Bind(2, ccg).Bind(3, int64_t{record_level ? 1 : 0}).Bind(4, now).Bind(5, actor);
    return map.Run();
  });
}

Status Revoke(store::SqlConnection& db, std::string_view schema, std::string_view ccg, std::string_view role) {
  if (Status s = CheckName(db, "role", role); !s.ok()) return s;
  if (Status s = EnsureSchema(db, schema); !s.ok()) return s;
  const std::string sc(schema);
  return store::InWriteTransaction(db, kReportingWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(del, db.Prepare(In(sc,
                                            "DELETE FROM S.role_tenants WHERE role_name = ?1 AND (?2 = '' OR ccg = ?2) "
                                            "RETURNING ccg")));
    del.Bind(1, role).Bind(2, ccg);
    CSU_ASSIGN_OR_RETURN(row, del.Step());
    del.Reset();
    if (!row)
      return MakeError("--role " + std::string(role),
                       ccg.empty() ? std::string("has no CCG mapping to revoke")
                                   : "is not mapped to " + std::string(ccg));
    return Status::Ok();
  });
}

Result<std::vector<RoleMapping>> ListMappings(store::SqlConnection& db, std::string_view schema) {
  if (Status s = EnsureSchema(db, schema); !s.ok()) return s.error();
  CSU_ASSIGN_OR_RETURN(q, db.Prepare(In(schema,
                                        "SELECT role_name, ccg, record_level, "
                                        "to_char(granted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                                        "granted_by FROM S.role_tenants ORDER BY role_name, ccg")));
  std::vector<RoleMapping> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    out.push_back({q.Text(0), q.Text(1), q.Int(2) == 1, q.Text(3), q.Text(4)});
  }
  return out;
}

}  // namespace csu::reporting
