#include "cli/payroll_open.h"

#include "cli/field_key.h"
#include "core/uk_time.h"
#include "store/env.h"
#include "store/platform_date.h"

namespace csu::cli {

void AddPayrollKeyOption(CLI::App* command, std::string& payroll_key) {
  command->add_option("--payroll-key", payroll_key,
                      "Key file sealing personal fields, outside the state folder (default: $CSU_PAYROLL_KEY_FILE or "
                      "~/.config/opencsu/payroll.key)");
}

std::optional<OpenedPayroll> OpenPayroll(const Context& ctx, const StateArgs& state, const std::string& payroll_key) {
  OpenedPayroll o;
  o.state = OpenOrPrint(ctx, state, Access::kShared);  // payroll.sqlite is its own database
  if (!o.state) return std::nullopt;
  auto cipher = OpenPayrollCipher(state.data_dir, payroll_key);
  if (!cipher.ok()) {
    PrintError(cipher.error().ToString());
    return std::nullopt;
  }
  o.cipher.emplace(std::move(cipher).value());
  auto db = payroll::PayrollStore::Open(state.data_dir, *o.cipher);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return std::nullopt;
  }
  o.db = std::move(db).value();
  const std::string now = store::Env::Default().NowUtc();
  o.actor = {now, "cli:" + o.state->actor};
  auto platform = store::ReadPlatformDate(state.data_dir);
  o.today = platform.ok() && platform.value() ? *platform.value() : UkDateOfTimestamp(now).value_or(Date());
  return o;
}

bool AuditPayroll(OpenedPayroll& o, const std::string& action, const std::string& subject,
                  const nlohmann::json& details) {
  if (Status s = o.state->store->AppendAudit(o.state->actor, action, subject, details.dump()); !s.ok()) {
    PrintError("audit entry not written: " + s.error().ToString());
    return false;
  }
  return true;
}

}  // namespace csu::cli
