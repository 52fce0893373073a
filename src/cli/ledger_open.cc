#include "cli/ledger_open.h"

#include "store/env.h"

namespace csu::cli {

std::optional<OpenedLedger> OpenLedger(const Context& ctx, const StateArgs& args) {
  OpenedLedger o;
  o.state = OpenOrPrint(ctx, args, Access::kShared);  // ledger.sqlite is its own database, like billing
  if (!o.state) return std::nullopt;
  auto db = ledger::LedgerStore::Open(args.data_dir);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return std::nullopt;
  }
  o.db = std::move(db).value();
  o.actor = {store::Env::Default().NowUtc(), "cli:" + o.state->actor};
  return o;
}

}  // namespace csu::cli
