// The billing database: catalogue versions, subscriptions, population
// updates, usage, and issued invoices and credit notes. Embedded mode keeps
// it in the state folder (billing.sqlite, docs/store-format.md §12); server
// mode in PostgreSQL (§12a), shared by every node, through the same
// statements (store/sql.h). Every change made through this class is one
// transaction (SQLite: synchronous=FULL; PostgreSQL: under
// store::kBillingWriteLock, so nodes issue one at a time): it lands whole or
// not at all and is durable when the call returns. (Meter counts use their
// own connection: meter.h.) Issued documents are immutable (triggers) and
// numbered without gaps, across nodes too.
//
//   CSU_ASSIGN_OR_RETURN(db, BillingStore::Open(dir));      // or OpenServer(pg::Connect(url))
//   CSU_ASSIGN_OR_RETURN(added, db->AddVersions(versions, {now, actor}));
//   CSU_ASSIGN_OR_RETURN(inv, db->Issue(computed, {now, actor}));
//
// Not thread-safe: one user at a time (the CLI under the state folder's lock,
// or the web server behind its own mutex). The web server's meter counts go
// through Meter (meter.h), a separate connection to the same file.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "billing/catalogue.h"
#include "billing/invoice.h"
#include "billing/period.h"
#include "billing/population.h"
#include "billing/subscription.h"
#include "core/result.h"

namespace csu::store {
class SqliteDb;
class SqlConnection;
}

namespace csu::billing {

struct Actor {
  std::string at;  // UTC ISO 8601
  std::string by;  // user name or "cli:<login>"
};

struct UsageRow {
  std::string ccg;
  Period period;
  std::string meter;
  std::string detail;
  int64_t quantity = 0;
};

class BillingStore {
 public:
  // Opens (creating) DIR/billing.sqlite. Errors name the file.
  static Result<std::unique_ptr<BillingStore>> Open(const std::string& dir);
  // Server mode: the tables in the connection's PostgreSQL schema (§12a),
  // created on first open under the billing lock. Errors name the server,
  // never the password; a SQLite connection is refused (use Open).
  static Result<std::unique_ptr<BillingStore>> OpenServer(std::unique_ptr<store::SqlConnection> db);
  ~BillingStore();

  // ---- catalogue
  Result<std::vector<ItemVersion>> Versions();
  Result<Catalogue> LoadCatalogue();
  // Adds the versions not yet stored, in one transaction, after checking the
  // merged catalogue (CheckCatalogue). A version already stored must be
  // identical (an invoice may have used it). Returns how many were new.
  Result<int64_t> AddVersions(const std::vector<ItemVersion>& versions, const Actor& actor);

  // ---- subscriptions
  Result<std::vector<Subscription>> Subscriptions();
  // Validates `s` against the catalogue and existing subscriptions inside the
  // transaction that stores it (so two concurrent adds cannot both pass), and
  // returns it with its id.
  Result<Subscription> AddSubscription(Subscription s, const std::function<bool(const std::string&)>& known_ccg,
                                       const Actor& actor);

  // ---- population
  Result<std::vector<PopulationUpdate>> PopulationUpdates();
  // Records the CCG's registered population from `from` (first of a month).
  // Refused when an invoice already issued for a month from `from` on would
  // have used a different figure.
  Status SetPopulation(const std::string& ccg, Date from, int64_t patients, const Actor& actor);

  // ---- usage
  // Meter totals of a CCG's month (details summed).
  Result<std::map<std::string, int64_t, std::less<>>> UsageTotals(const std::string& ccg, Period p);
  // Every usage row, optionally of one CCG, by CCG, period, meter, detail.
  Result<std::vector<UsageRow>> Usage(const std::string& ccg_or_empty);
  // Usage from the CSU's other systems (a recorded meter), counted once per
  // `reference`: returns false when that reference was counted before with
  // the same figures, an Error when with different ones, or when the CCG's
  // month is already invoiced.
  Result<bool> RecordUsage(const std::string& ccg, Period p, const std::string& meter, int64_t quantity,
                           const std::string& reference, const Actor& actor);

  // ---- supplier details printed on documents
  Result<Supplier> GetSupplier();
  // Name and address up to 200/400 characters, a UK VAT number or none,
  // payment terms 0–120 days. Documents issued earlier keep what they had.
  Status SetSupplier(const Supplier& supplier);
  // The CCG's invoice address ("" when none is set), stamped on its
  // documents at issue. Setting it again replaces it for later documents.
  Result<std::string> CustomerAddress(const std::string& ccg);
  Status SetCustomerAddress(const std::string& ccg, const std::string& address, const Actor& actor);

  // ---- documents
  // Issues `inv` (computed, unnumbered): numbers it from its series, stamps
  // issue time, actor and SHA-256, and stores it. An invoice for a CCG's
  // month that already has a live invoice is refused (an Error naming it).
  Result<Invoice> Issue(Invoice inv, const Actor& actor);
  // Issues the CCG's invoice for `p` as `compute` works it out, calling it
  // inside the transaction that numbers and stores it, so the usage and
  // population it reads are exactly those in force when it is issued.
  // Returns nullopt (and issues nothing) when the CCG already has a live
  // invoice for the month, or when every line is £0.00.
  Result<std::optional<Invoice>> IssueInvoice(const std::string& ccg, Period p,
                                              const std::function<Result<Invoice>()>& compute, const Actor& actor);
  // The CCG's live invoice for the month (issued and not credited), if any.
  Result<std::optional<Invoice>> LiveInvoice(const std::string& ccg, Period p);
  // Issues a credit note reversing invoice `number` in full. Refused for a
  // credit note, an unknown number, or an invoice already credited.
  Result<Invoice> Credit(const std::string& number, const std::string& reason, const Actor& actor);
  // Documents in number order (invoices, then credit notes), optionally of one CCG.
  Result<std::vector<Invoice>> Documents(const std::string& ccg_or_empty);
  Result<std::optional<Invoice>> Document(const std::string& number);
  // Recomputes each document's SHA-256 and totals from its stored lines;
  // returns one message per document that does not match (empty = all good).
  Result<std::vector<std::string>> Verify();

  struct PassKey {
    explicit PassKey() = default;
  };
  BillingStore(PassKey, std::unique_ptr<store::SqlConnection> db);

 private:
  Result<std::vector<Invoice>> LoadDocuments(const std::string& where_sql, const std::string& arg);
  // Numbers, stamps, hashes and inserts `inv`; the caller holds a transaction.
  Status StoreDocument(Invoice& inv, const Actor& actor);
  std::unique_ptr<store::SqlConnection> db_;
};

// Documents against the fingerprints the hash-chained audit log recorded as
// each was issued ((number, sha256) pairs, in log order): a document missing
// from the log, one whose content no longer matches, or one the log names
// but the database no longer holds. Someone who rewrites billing.sqlite and
// recomputes a hash is caught here, since the log's chain would have to be
// rewritten too. Empty = all consistent.
std::vector<std::string> CheckAgainstAudit(const std::vector<Invoice>& docs,
                                           const std::vector<std::pair<std::string, std::string>>& audited);

// "GB 123 4567 89", "GB123456789", "123456789" (or the 12-digit branch form).
bool ValidVatNumber(std::string_view text);

// Creates the billing schema on a fresh file or checks its version; shared by
// BillingStore and Meter. `pragmas` set the connection's durability.
Status PrepareBillingDb(store::SqliteDb& db, const std::string& pragmas);
// The same in PostgreSQL (§12a), under store::kBillingWriteLock; shared by
// BillingStore::OpenServer and Meter::OpenServer.
Status PrepareServerBillingDb(store::SqlConnection& db);

}  // namespace csu::billing
