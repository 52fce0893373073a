// Server mode's accounts (docs/server-mode.md): tenancy::Accounts over a
// PostgreSQL database (pg::Connect) instead of the state folder's
// platform.sqlite, shared by every node that opens it. The same class, the
// same statements (written for both engines: store/sql.h); only opening
// differs. Kept out of accounts.h so that its many includers do not see the
// SQL interface.
//
//   CSU_ASSIGN_OR_RETURN(db, pg::Connect(url));
//   CSU_ASSIGN_OR_RETURN(accounts, tenancy::OpenServerAccounts(std::move(db), options));
#pragma once

#include <memory>

#include "core/result.h"
#include "store/sql.h"
#include "tenancy/accounts.h"

namespace csu::tenancy {

// Creates the schema (docs/store-format.md §11a) in an empty database under
// the accounts' write lock, or checks its version and widens the role check
// when roles were added since. Errors name the server, never the password;
// a connection that is not PostgreSQL's is refused (a state folder's
// accounts open with Accounts::Open).
Result<std::unique_ptr<Accounts>> OpenServerAccounts(std::unique_ptr<store::SqlConnection> db,
                                                     AccountsOptions options);

// Creates the accounts' tables (SQLite's §11 or PostgreSQL's §11a schema,
// by the connection's engine) and their meta rows in an empty database,
// inside the caller's write transaction: how `csu migrate` makes them in the
// one transaction that fills them.
Status CreateAccountsSchema(store::SqlConnection& db);

}  // namespace csu::tenancy
