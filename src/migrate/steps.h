// csu migrate's steps (migrate.h), one per database of the state folder,
// each in a file of its own and listed once in DefaultSteps() (steps.cc),
// in the order they run:
//   accounts       platform.sqlite (§11 -> §11a)             accounts_step.cc
//   audit log      the catalog's audit chain (§2 -> §11a)    audit_log_step.cc
//   commissioning  commissioning.sqlite (§10 -> §10a)        commissioning_step.cc
//   billing        billing.sqlite (§12 -> §12a)              billing_step.cc
//   batches        the catalog's batches and their files     batches_step.cc
//                  (§2-§4 -> §11b chunks, as a node publishes them)
//   ledger         ledger.sqlite (§13 -> §13a)               ledger_step.cc
//   payroll        payroll.sqlite (§16 -> §16a)              payroll_step.cc
//   continuing healthcare  chc.sqlite (§15 -> §15a)          chc_step.cc
//   primary care   primary-care.sqlite and its evidence      primary_care_step.cc
//                  files (§17, §18 -> §17a, §18a)
//   procurement    procurement.sqlite (§14 -> §14a), document   procurement_step.cc
//                  versions' bytes into BYTEA
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "migrate/migrate.h"

namespace csu::migrate {

std::unique_ptr<MigrationStep> MakeAccountsStep();
std::unique_ptr<MigrationStep> MakeAuditLogStep();
std::unique_ptr<MigrationStep> MakeCommissioningStep();
std::unique_ptr<MigrationStep> MakeBillingStep();
std::unique_ptr<MigrationStep> MakeBatchesStep();
std::unique_ptr<MigrationStep> MakeLedgerStep();
std::unique_ptr<MigrationStep> MakePayrollStep();
std::unique_ptr<MigrationStep> MakeChcStep();
std::unique_ptr<MigrationStep> MakePrimaryCareStep();
std::unique_ptr<MigrationStep> MakeProcurementStep();

// What a step checks of a source database before anything is written: its
// meta table's schema_version is `version`, and it holds no table beyond
// `tables` and `also_known` (a table this csu does not copy would be lost
// silently, so the run is refused instead, naming it).
Status CheckSourceDatabase(store::SqliteDb& db, const std::string& version, const std::vector<TableSpec>& tables,
                           const std::set<std::string>& also_known);

// PostgreSQL's identity column `column` of `table` continued after the
// largest id copied (SQLite's ids follow by themselves).
Status ContinueIdentity(store::SqlConnection& target, const std::string& table, const std::string& column);

}  // namespace csu::migrate
