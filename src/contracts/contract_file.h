// Reads a contract plans file (docs/formats/contracts-v1.md) into
// contracts, checking every code against the reference data. The file is
// taken whole or refused: the first problem comes back as an Error naming
// "file:line" and the reason, and nothing is returned.
//
//   CSU_ASSIGN_OR_RETURN(contracts, ReadContractsFile("plans.csv", ref));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contracts/contract.h"
#include "core/result.h"

namespace csu::refdata {
class RefData;
}

namespace csu::contracts {

Result<std::vector<Contract>> ReadContractsFile(const std::string& path, const refdata::RefData& ref);

// The same for a plans file's text already read; `name` is how errors name
// the file ("plans.csv:4"). The contracts come in (commissioner, provider,
// year) order, each with its lines in POD order. Fuzzed by
// fuzz/contracts_file_fuzz.cc.
Result<std::vector<Contract>> ParseContracts(const std::string& name, std::string_view text,
                                             const refdata::RefData& ref);

}  // namespace csu::contracts
