// The keys that seal personal fields at rest (store/field_cipher.h: CHC
// cases' identities, staff records), as commands and the server open them.
// One rule for every such key: it lives outside the state folder, so a copy
// of the folder (a backup, a support bundle) never carries the means to open
// what it seals; a new key is created (mode 0600) only with a new database.
#pragma once

#include <string>

#include "core/result.h"
#include "store/field_cipher.h"

namespace csu::cli {

// `key_arg` when given, else the environment variable `env` when set, else
// ~/.config/opencsu/`file_name`.
std::string KeyPath(const std::string& key_arg, const char* env, const char* file_name);

// Opens the key file `key_path` for `domain`. Refused, naming the file, when
// it lies inside `data_dir`. Created when missing only if `new_database` (a
// file name in `data_dir`) does not exist yet; pass "" never to create one.
Result<store::FieldCipher> OpenFieldKey(const std::string& data_dir, const std::string& key_path,
                                        const store::CipherDomain& domain, const std::string& new_database);
// The same, created when missing exactly when `create_if_missing`: for server
// mode, where what decides is whether the database has a key recorded, not
// a file in the folder.
Result<store::FieldCipher> OpenFieldKeyOrCreate(const std::string& data_dir, const std::string& key_path,
                                                const store::CipherDomain& domain, bool create_if_missing);

// The payroll key for `csu payroll` and `csu serve`: --payroll-key, else
// $CSU_PAYROLL_KEY_FILE, else ~/.config/opencsu/payroll.key; created only
// with a new payroll.sqlite.
Result<store::FieldCipher> OpenPayrollCipher(const std::string& data_dir, const std::string& key_arg);

}  // namespace csu::cli
