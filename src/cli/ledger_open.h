// Opening a state folder's ledger for a `csu ledger` command: the folder
// opened shared (ledger.sqlite is its own database, like billing's), the
// ledger database, and who is acting. Shared by ledger_command.cc and
// ledger_documents_command.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/state.h"
#include "ledger/ledger_store.h"

namespace csu::cli {

struct OpenedLedger {
  std::unique_ptr<State> state;
  std::unique_ptr<ledger::LedgerStore> db;
  ledger::Actor actor;
};

// Prints the error and returns nullopt when either cannot be opened.
std::optional<OpenedLedger> OpenLedger(const Context& ctx, const StateArgs& args);

// Writes a ledger change's audit entry to the folder's hash-chained log; on
// failure prints that the change was made without its entry and returns false.
bool Audit(OpenedLedger& o, const std::string& action, const std::string& subject, const nlohmann::json& details);

// The last part of a path ("april.journal"), as audit entries name a file.
std::string FileName(const std::string& path);

}  // namespace csu::cli
