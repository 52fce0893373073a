// Field keys: see field_key.h.
#include "cli/field_key.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>

namespace csu::cli {

std::string KeyPath(const std::string& key_arg, const char* env, const char* file_name) {
  if (!key_arg.empty()) return key_arg;
  if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return value;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.config/opencsu/" + file_name;
}

Result<store::FieldCipher> OpenFieldKey(const std::string& data_dir, const std::string& key_path,
                                        const store::CipherDomain& domain, const std::string& new_database) {
  struct stat st {};
  const bool create = !new_database.empty() && ::stat((data_dir + "/" + new_database).c_str(), &st) != 0;
  return OpenFieldKeyOrCreate(data_dir, key_path, domain, create);
}

Result<store::FieldCipher> OpenFieldKeyOrCreate(const std::string& data_dir, const std::string& key_path,
                                                const store::CipherDomain& domain, bool create) {
  // Compare real paths, so a symlink or "../" cannot smuggle the key in.
  char resolved_dir[PATH_MAX], resolved_key_dir[PATH_MAX];
  const size_t slash = key_path.find_last_of('/');
  const std::string key_dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : key_path.substr(0, slash));
  if (::realpath(data_dir.c_str(), resolved_dir) != nullptr && ::realpath(key_dir.c_str(), resolved_key_dir) != nullptr) {
    const std::string d(resolved_dir), k(resolved_key_dir);
    if (k == d || k.rfind(d + "/", 0) == 0)
      return MakeError(key_path, std::string("the ") + domain.noun + " must be kept outside the state folder " + data_dir);
  }
  return store::FieldCipher::Open(key_path, create, domain);
}

Result<store::FieldCipher> OpenPayrollCipher(const std::string& data_dir, const std::string& key_arg) {
  return OpenFieldKey(data_dir, KeyPath(key_arg, "CSU_PAYROLL_KEY_FILE", "payroll.key"), store::kPayrollCipherDomain,
                      "payroll.sqlite");
}

}  // namespace csu::cli
