// The payroll key for `csu payroll` and `csu serve`: the --payroll-key file
// (default $CSU_PAYROLL_KEY_FILE or ~/.config/opencsu/payroll.key), refused
// inside the state folder, created (mode 0600) only with a new
// payroll.sqlite (store/field_cipher.h, the payroll key domain).
#pragma once

#include <string>

#include "core/result.h"
#include "store/field_cipher.h"

namespace csu::cli {

Result<store::FieldCipher> OpenPayrollCipher(const std::string& data_dir, const std::string& key_arg);

}  // namespace csu::cli
