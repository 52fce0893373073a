#include "cli/ledger_open.h"

#include "store/env.h"

namespace csu::cli {

std::optional<OpenedLedger> OpenLedger(const Context& ctx, const StateArgs& args, const std::string& url) {
  OpenedLedger o;
  o.state = OpenOrPrint(ctx, args, Access::kShared);  // ledger.sqlite is its own database, like billing
  if (!o.state) return std::nullopt;
  auto db = OpenLedgerStore(args.data_dir, url);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return std::nullopt;
  }
  o.db = std::move(db).value();
  auto audit = CommandAudit::Open(*o.state->store, url);
  if (!audit.ok()) {
    PrintError(audit.error().ToString());
    return std::nullopt;
  }
  o.audit = std::move(audit).value();
  o.actor = {store::Env::Default().NowUtc(), "cli:" + o.state->actor};
  return o;
}

bool Audit(OpenedLedger& o, const std::string& action, const std::string& subject, const nlohmann::json& details) {
  if (Status s = o.audit->Append(o.state->actor, action, subject, details.dump()); !s.ok()) {
    PrintError("the change was made but its audit entry could not be written: " + s.error().ToString());
    return false;
  }
  return true;
}

std::string FileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace csu::cli
