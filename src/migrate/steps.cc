// The registry of csu migrate's steps (migrate.h): one line per step, in the
// order they run. Each step is one file beside this one, declared in
// steps.h; a store that moves into PostgreSQL adds its file and its line.
#include "migrate/steps.h"

namespace csu::migrate {

std::vector<std::unique_ptr<MigrationStep>> DefaultSteps() {
  std::vector<std::unique_ptr<MigrationStep>> steps;
  steps.push_back(MakeAccountsStep());
  steps.push_back(MakeAuditLogStep());
  steps.push_back(MakeCommissioningStep());
  steps.push_back(MakeBillingStep());
  steps.push_back(MakeBatchesStep());
  steps.push_back(MakeLedgerStep());
  steps.push_back(MakePayrollStep());
  steps.push_back(MakeChcStep());
  steps.push_back(MakePrimaryCareStep());
  steps.push_back(MakeProcurementStep());
  return steps;
}

}  // namespace csu::migrate
