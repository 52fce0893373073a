// Opening the ledger for a `csu ledger` command: the state folder opened
// shared (ledger.sqlite is its own database, like billing's), the ledger
// database (the folder's, or PostgreSQL's in server mode: OpenLedgerStore),
// where its audit entries go (CommandAudit), and who is acting. Shared by
// ledger_command.cc, ledger_budget_command.cc, ledger_documents_command.cc
// and the modules' ledger commands.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "ledger/ledger_store.h"

namespace csu::cli {

struct OpenedLedger {
  std::unique_ptr<State> state;
  std::unique_ptr<ledger::LedgerStore> db;
  std::unique_ptr<CommandAudit> audit;
  ledger::Actor actor;
};

// `url`: the command's --database ("" = embedded mode, the folder's
// ledger.sqlite and audit log). Prints the error and returns nullopt when
// anything cannot be opened.
std::optional<OpenedLedger> OpenLedger(const Context& ctx, const StateArgs& args, const std::string& url);

// Writes a ledger change's audit entry to the hash-chained log (the folder's,
// or PostgreSQL's in server mode); on failure prints that the change was
// made without its entry and returns false.
bool Audit(OpenedLedger& o, const std::string& action, const std::string& subject, const nlohmann::json& details);

// The last part of a path ("april.journal"), as audit entries name a file.
std::string FileName(const std::string& path);

}  // namespace csu::cli
