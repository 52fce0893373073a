// Reads a contract plans file (docs/formats/contracts-v1.md) into
// contracts, checking every code against the reference data. The file is
// taken whole or refused: the first problem comes back as an Error naming
// "file:line" and the reason, and nothing is returned.
//
//   CSU_ASSIGN_OR_RETURN(contracts, ReadContractsFile("plans.csv", ref));
#pragma once

#include <string>
#include <vector>

#include "contracts/contract.h"
#include "core/result.h"

namespace csu::refdata {
class RefData;
}

namespace csu::contracts {

Result<std::vector<Contract>> ReadContractsFile(const std::string& path, const refdata::RefData& ref);

}  // namespace csu::contracts
