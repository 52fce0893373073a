// Who a ledger may name: the NHS bodies of the reference data, by ODS code.
#pragma once

#include "ledger/ledger_store.h"
#include "refdata/refdata.h"

namespace csu::ledger {

// An OrgDirectory answering from `ref` (CCGs, trusts, CSUs and GP
// practices). `ref` must outlive the returned function.
OrgDirectory DirectoryOf(const refdata::RefData& ref);

}  // namespace csu::ledger
