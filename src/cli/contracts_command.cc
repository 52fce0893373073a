// `csu contracts load|list`: the contract plans a CCG monitors its providers
// against (docs/formats/contracts-v1.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <set>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "contracts/contract_file.h"
#include "contracts/contract_store.h"
#include "core/file.h"
#include "core/text.h"
#include "store/env.h"
#include "store/sha256.h"

namespace csu::cli {
namespace {

struct LoadArgs {
  StateArgs state;
  std::string database;  // server mode: the contracts in PostgreSQL
  std::string file;
  bool json = false;
};

struct ListArgs {
  StateArgs state;
  std::string database;
  std::string year;
  std::string commissioner;
  bool json = false;
};

int Load(const Context& ctx, const LoadArgs& args) {
  auto state = OpenOrPrint(ctx, args.state, Access::kShared);
  if (!state) return kExitFailure;
  auto bytes = ReadFile(args.file);
  if (!bytes.ok()) {
    PrintError(bytes.error().ToString());
    return kExitFailure;
  }
  auto contracts = contracts::ReadContractsFile(args.file, *state->ref);
  if (!contracts.ok()) {
    PrintError(contracts.error().ToString() + " (nothing was loaded)");
    return kExitFailure;
  }
  auto db = OpenContracts(args.state.data_dir, args.database);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return kExitFailure;
  }
  auto audit = CommandAudit::Open(*state->store, args.database);
  if (!audit.ok()) {
    PrintError(audit.error().ToString());
    return kExitFailure;
  }
  const std::string sha = store::Sha256Hex(bytes.value());
  const std::string now = store::Env::Default().NowUtc();
  auto replaced = db.value()->Replace(contracts.value(), {now, state->actor, sha});
  if (!replaced.ok()) {
    PrintError(replaced.error().ToString() + " (nothing was loaded)");
    return kExitFailure;
  }
  int64_t lines = 0;
  std::set<std::string> years;
  for (const auto& c : contracts.value()) {
    lines += static_cast<int64_t>(c.lines.size());
    years.insert(c.year.ToString());
  }
  const int64_t n = static_cast<int64_t>(contracts.value().size());
  std::string file_name = args.file.substr(args.file.find_last_of('/') == std::string::npos ? 0 : args.file.find_last_of('/') + 1);
  nlohmann::json details = {{"file", file_name}, {"sha256", sha}, {"contracts", n}, {"plan_lines", lines},
                            {"replaced", replaced.value()}};
  if (Status s = audit.value()->Append(state->actor, "contracts.load", file_name, details.dump()); !s.ok()) {
    // The plans are in; the audit entry is what failed. Say so plainly.
    PrintError("contracts loaded but the audit entry could not be written: " + s.error().ToString());
    return kExitFailure;
  }
  if (args.json) {
    details["years"] = years;
    std::printf("%s\n", details.dump(2).c_str());
    return kExitOk;
  }
  std::string year_list;
  for (const auto& y : years) year_list += (year_list.empty() ? "" : ", ") + y;
  std::printf("Loaded %lld contracts (%lld plan lines) for %s from %s: %lld new, %lld replaced.\n",
              static_cast<long long>(n), static_cast<long long>(lines), year_list.c_str(), file_name.c_str(),
              static_cast<long long>(n - replaced.value()), static_cast<long long>(replaced.value()));
  return kExitOk;
}

int List(const Context& ctx, const ListArgs& args) {
  auto state = OpenOrPrint(ctx, args.state, Access::kShared);
  if (!state) return kExitFailure;
  auto db = OpenContracts(args.state.data_dir, args.database);
  if (!db.ok()) {
    PrintError(db.error().ToString());
    return kExitFailure;
  }
  std::vector<FinancialYear> years;
  if (!args.year.empty()) {
    auto y = FinancialYear::Parse(args.year);
    if (!y.ok()) {
      PrintError("--year: " + y.error().ToString());
      return kExitUsage;
    }
    years.push_back(y.value());
  } else {
    auto all = db.value()->Years();
    if (!all.ok()) {
      PrintError(all.error().ToString());
      return kExitFailure;
    }
    years = all.value();
  }
  nlohmann::json out = nlohmann::json::array();
  bool any = false;
  if (!args.json)
    std::printf("%-7s %-12s %-8s %-6s %12s %16s  %s\n", "year", "commissioner", "provider", "pod", "activity",
                "value", "contract rules");
  for (FinancialYear y : years) {
    auto contracts = db.value()->Contracts(y);
    if (!contracts.ok()) {
      PrintError(contracts.error().ToString());
      return kExitFailure;
    }
    for (const auto& c : contracts.value()) {
      if (!args.commissioner.empty() && c.commissioner.view() != args.commissioner) continue;
      any = true;
      std::string rules = c.readmission_rule ? "readmissions" : "";
      if (c.mret_baseline)
        rules += std::string(rules.empty() ? "" : ", ") + "MRET " + std::to_string(c.mret_rate_percent) +
                 "% above " + c.mret_baseline->ToString();
      for (const auto& l : c.lines) {
        if (args.json) {
          out.push_back({{"year", y.ToString()}, {"commissioner", c.commissioner.ToString()},
                         {"provider", c.provider.ToString()}, {"pod", std::string(pricing::PodCode(l.pod))},
                         {"plan_activity", l.activity}, {"plan_value_pence", l.value.pence()},
                         {"mret_baseline_pence", c.mret_baseline ? nlohmann::json(c.mret_baseline->pence()) : nlohmann::json()},
                         {"mret_rate_percent", c.mret_rate_percent}, {"readmission_rule", c.readmission_rule}});
        } else {
          std::printf("%-7s %-12s %-8s %-6s %12s %16s  %s\n", y.ToString().c_str(), c.commissioner.ToString().c_str(),
                      c.provider.ToString().c_str(), std::string(pricing::PodCode(l.pod)).c_str(),
                      WithThousands(l.activity).c_str(), l.value.ToString().c_str(), rules.c_str());
          rules.clear();  // once per contract
        }
      }
    }
  }
  if (args.json) std::printf("%s\n", out.dump(2).c_str());
  else if (!any)
    std::fprintf(stderr, "No contracts loaded yet. Load plans with: csu contracts load --data %s FILE\n",
                 args.state.data_dir.c_str());
  return kExitOk;
}

}  // namespace

void AddContractsCommand(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("contracts", "Contracts with providers and their activity and finance plans");
  cmd->require_subcommand(1);

  auto load_args = std::make_shared<LoadArgs>();
  CLI::App* load = cmd->add_subcommand(
      "load", "Load contract plans from a CSV file (docs/formats/contracts-v1.md); replaces the contracts it names");
  AddStateOptions(load, load_args->state);
  AddDatabaseOption(load, load_args->database);
  load->add_option("FILE", load_args->file, "Contract plans CSV")->required();
  load->add_flag("--json", load_args->json, "Print the result as JSON");
  load->callback([&ctx, load_args] { ctx.action = [&ctx, load_args] { return Load(ctx, *load_args); }; });

  auto list_args = std::make_shared<ListArgs>();
  CLI::App* list = cmd->add_subcommand("list", "List the contracts and plan lines held");
  AddStateOptions(list, list_args->state);
  AddDatabaseOption(list, list_args->database);
  list->add_option("--year", list_args->year, "Financial year, e.g. 2018/19 (default: every year held)");
  list->add_option("--commissioner", list_args->commissioner, "Only this CCG (ODS code)")->transform(UpperCaseCode);
  list->add_flag("--json", list_args->json, "Print JSON");
  list->callback([&ctx, list_args] { ctx.action = [&ctx, list_args] { return List(ctx, *list_args); }; });
}

}  // namespace csu::cli
