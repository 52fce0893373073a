#include "cli/state.h"

#include <CLI/CLI.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "core/text.h"

namespace csu::cli {

void AddStateOptions(CLI::App* cmd, StateArgs& args) {
  cmd->add_option("--data", args.data_dir, "State folder (or set CSU_DATA)")->envname("CSU_DATA")->capture_default_str();
  cmd->add_option("--key", args.key_file,
                  "Pseudonymisation key file (default: $CSU_KEY_FILE or ~/.config/opencsu/pseudonymisation.key)");
}

std::string UpperCaseCode(std::string text) {
  std::string upper = ToUpper(text);
  return upper == "ALL" ? std::string("all") : upper;
}

std::unique_ptr<State> OpenOrPrint(const Context& ctx, const StateArgs& args, Access access) {
  auto state = OpenState(ctx, args.data_dir, args.key_file, /*create=*/false, access);
  if (!state.ok()) {
    PrintError(state.error().ToString());
    return nullptr;
  }
  return std::move(state).value();
}

std::string CurrentActor() {
  // Who acts is the effective user, never the environment: $USER is the
  // caller's to set, and the ledger's segregation of duties compares these
  // names (docs/ledger.md), so a login without a passwd entry is its uid.
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  return "uid " + std::to_string(::geteuid());
}

Result<std::unique_ptr<State>> OpenState(const Context& ctx, const std::string& data_dir, const std::string& key_file,
                                         bool create, Access access) {
  struct stat st {};
  if (!create && ::stat(data_dir.c_str(), &st) != 0) {
    return MakeError(data_dir, "no state folder here; load data first with 'csu ingest --data " + data_dir + "'");
  }
  auto state = std::make_unique<State>();
  state->actor = CurrentActor();
  std::string ref_dir = refdata::DefaultRefDataDir(ctx.refdata_dir, CSU_DEFAULT_REFDATA_DIR);
  auto ref = refdata::RefData::Load(ref_dir);
  if (!ref.ok()) return MakeError(ref_dir, "reference data is not valid: " + ref.error().ToString());
  state->ref = std::make_unique<refdata::RefData>(std::move(ref).value());
  std::string key_path = key_file.empty() ? ingest::Pseudonymiser::DefaultPath() : key_file;
  // The key must live outside the state folder: a copy of the folder must
  // not carry the means to link pseudonyms back to NHS numbers.
  char resolved_dir[PATH_MAX], resolved_key_dir[PATH_MAX];
  std::string key_dir = key_path.substr(0, key_path.find_last_of('/') == std::string::npos ? 0 : key_path.find_last_of('/'));
  if (::realpath(data_dir.c_str(), resolved_dir) != nullptr && !key_dir.empty() &&
      ::realpath(key_dir.c_str(), resolved_key_dir) != nullptr &&
      std::string(resolved_key_dir).rfind(std::string(resolved_dir), 0) == 0) {
    return MakeError(key_path, "the pseudonymisation key must be kept outside the state folder " + data_dir);
  }
  // A new key only for a new state folder: an existing one was written
  // under a key, and a fresh key would be refused by the store anyway, after
  // leaving a new key file behind that a later run would pick up.
  const bool new_state = ::stat((data_dir + "/catalog.sqlite").c_str(), &st) != 0;
  auto pseudonymiser = ingest::Pseudonymiser::Open(key_path, create && new_state);
  if (!pseudonymiser.ok()) return pseudonymiser.error();
  state->pseudonymiser = std::make_unique<ingest::Pseudonymiser>(std::move(pseudonymiser).value());
  store::StoreOptions options;
  options.shared = access == Access::kShared && !new_state;
  auto store = store::Store::Open(data_dir, state->pseudonymiser->Fingerprint(), options);
  if (!store.ok()) {
    if (!options.shared && store.error().why.find("in use by another csu process") != std::string::npos) {
      return MakeError(data_dir,
                       "another csu process holds this state folder (a running 'csu serve', or a load in "
                       "progress), and this command needs the folder to itself (it changes batches, or serves): stop the "
                       "server (or let the load finish) and run the command again; commands that read, and "
                       "changes to users, challenges, contracts and billing, work while it runs");
    }
    return store.error();
  }
  state->store = std::move(store).value();
  return state;
}

}  // namespace csu::cli
