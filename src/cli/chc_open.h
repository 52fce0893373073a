// Opening the CHC database (chc/chc_store.h) for a command and for
// `csu serve`: the state folder's chc.sqlite when `url` is empty (embedded
// mode, unchanged), else the CHC tables in the PostgreSQL database of
// --database (server mode, docs/server-mode.md), on a connection of its own.
//
// The keyed opens take the CHC key file (outside the state folder, as
// always). In server mode every node and command that opens identifiable
// fields must be given the same key file: the database records the key's
// fingerprint on the first keyed open and refuses any other key after
// (docs/deploy.md, "The CHC key in server mode"). A command may create a new
// key file only while the database has no case sealed, as with a new
// chc.sqlite: in embedded mode while the folder has no chc.sqlite, in server
// mode while no key's fingerprint is recorded.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "chc/chc_store.h"
#include "core/result.h"

namespace csu::cli {

// The key file a CHC command uses: --chc-key, else $CSU_CHC_KEY_FILE, else
// ~/.config/opencsu/chc.key.
std::string ChcKeyPath(const std::string& key_arg);

// For a command that reads or writes identifiable fields: the key (into
// `cipher`) and the database tied to it.
Result<std::unique_ptr<chc::ChcStore>> OpenChcKeyed(const std::string& data_dir, const std::string& url,
                                                    const std::string& key_arg, std::optional<chc::FieldCipher>& cipher);

// For `csu serve`: the key given by --chc-key (never created here) and the
// database tied to it.
Result<std::unique_ptr<chc::ChcStore>> OpenChcForServe(const std::string& data_dir, const std::string& url,
                                                       const chc::FieldCipher& cipher);

// Without the key (the pseudonymised pages, the ledger's accruals): nullptr
// in embedded mode when the folder has no chc.sqlite; in server mode the
// tables, created when missing.
Result<std::unique_ptr<chc::ChcStore>> OpenChcPseudonymised(const std::string& data_dir, const std::string& url);

}  // namespace csu::cli
