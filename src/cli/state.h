// What commands that work on a state folder need, opened together: the
// reference data, the pseudonymisation key and the store. Opening checks the
// key against the one the folder was created with.
#pragma once

#include <memory>
#include <string>

#include "cli/command.h"
#include "core/result.h"
#include "ingest/pseudonymiser.h"
#include "refdata/refdata.h"
#include "store/store.h"

namespace csu::cli {

// The --data and --key options of a command that works on a state folder.
struct StateArgs {
  std::string data_dir = "csu-data";
  std::string key_file;
};
// --data may also come from the CSU_DATA environment variable.
void AddStateOptions(CLI::App* cmd, StateArgs& args);

// For options holding ODS codes (CCGs, providers, practices): codes are
// accepted in any case ("02e") and stored upper case; "all" stays "all".
std::string UpperCaseCode(std::string text);

// How a command opens the state folder (docs/store-format.md §1, "Who may
// open the folder").
enum class Access {
  // Reads, audit entries and changes to the SQLite databases (users,
  // challenges, contracts, billing): beside a running `csu serve`, on a
  // snapshot of the catalog; SQLite serialises the writes.
  kShared,
  // Changes to batches (ingest, remove, purge, rebuild) and the server:
  // holds the folder's LOCK alone, and is refused, saying what to do, while
  // another process holds it. Creating a folder is always exclusive.
  kExclusive,
};

struct State {
  std::unique_ptr<refdata::RefData> ref;
  std::unique_ptr<ingest::Pseudonymiser> pseudonymiser;
  std::unique_ptr<store::Store> store;
  std::string actor;  // who is acting: the operating system user
};

// Opens `data_dir`. With `create`, a missing folder and key are created;
// otherwise a missing folder is an error naming it.
Result<std::unique_ptr<State>> OpenState(const Context& ctx, const std::string& data_dir, const std::string& key_file,
                                         bool create, Access access = Access::kExclusive);

// OpenState for an existing folder, printing the error (PrintError) and
// returning null when it cannot be opened.
std::unique_ptr<State> OpenOrPrint(const Context& ctx, const StateArgs& args, Access access);

// The operating system user running the command, for audit entries.
std::string CurrentActor();

}  // namespace csu::cli
