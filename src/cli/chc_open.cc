// See chc_open.h.
#include "cli/chc_open.h"

#include "cli/field_key.h"
#include "pg/pg_connection.h"
#include "store/sql.h"

namespace csu::cli {
namespace {

Result<std::unique_ptr<store::SqlConnection>> Connect(const std::string& url) {
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  return pg::Connect(url);
}

}  // namespace

std::string ChcKeyPath(const std::string& key_arg) { return KeyPath(key_arg, "CSU_CHC_KEY_FILE", "chc.key"); }

Result<std::unique_ptr<chc::ChcStore>> OpenChcKeyed(const std::string& data_dir, const std::string& url,
                                                    const std::string& key_arg, std::optional<chc::FieldCipher>& cipher) {
  const std::string key_path = ChcKeyPath(key_arg);
  if (url.empty()) {
    // Created only with a new chc.sqlite (cli/field_key.h).
    CSU_ASSIGN_OR_RETURN(c, OpenFieldKey(data_dir, key_path, store::kChcCipherDomain, "chc.sqlite"));
    cipher.emplace(std::move(c));
    return chc::ChcStore::Open(data_dir, *cipher);
  }
  CSU_ASSIGN_OR_RETURN(db, Connect(url));
  CSU_ASSIGN_OR_RETURN(store, chc::ChcStore::OpenServerPseudonymised(std::move(db)));
  CSU_ASSIGN_OR_RETURN(recorded, store->KeyRecorded());
  // A missing key file is made only while the database has none recorded.
  CSU_ASSIGN_OR_RETURN(c, OpenFieldKeyOutside(data_dir, key_path, store::kChcCipherDomain, !recorded));
  cipher.emplace(std::move(c));
  if (Status s = store->CheckKey(*cipher); !s.ok()) return s.error();
  return store;
}

Result<std::unique_ptr<chc::ChcStore>> OpenChcForServe(const std::string& data_dir, const std::string& url,
                                                       const chc::FieldCipher& cipher) {
  if (url.empty()) return chc::ChcStore::Open(data_dir, cipher);
  CSU_ASSIGN_OR_RETURN(db, Connect(url));
  return chc::ChcStore::OpenServer(std::move(db), cipher);
}

Result<std::unique_ptr<chc::ChcStore>> OpenChcPseudonymised(const std::string& data_dir, const std::string& url) {
  if (url.empty()) return chc::ChcStore::OpenPseudonymised(data_dir);
  CSU_ASSIGN_OR_RETURN(db, Connect(url));
  return chc::ChcStore::OpenServerPseudonymised(std::move(db));
}

}  // namespace csu::cli
