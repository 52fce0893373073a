// `csu users add|list|disable|enable|reset-password|assign|require-2fa|token`:
// managing who may use the platform from the command line (the admin pages
// call the same tenancy::Accounts). Every change is written to the state
// folder's audit log with the operating system user as the actor.
//
// Passwords never come from the command line (argv is visible to every
// user through /proc and lands in shell history): they are read from the
// terminal without echo, or from standard input with --password-stdin.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include <termios.h>
#include <unistd.h>

#include "cli/command.h"
#include "cli/server_mode.h"
#include "cli/state.h"
#include "tenancy/accounts.h"

namespace csu::cli {
namespace {

// "csu_admin, csu_analyst, ... or ccg_viewer": every role, from the one list
// tenancy keeps, so a new role is named here without another edit.
std::string RoleNames() {
  std::string out;
  const size_t n = std::size(tenancy::kAllRoles);
  for (size_t i = 0; i < n; ++i)
    out += std::string(i == 0 ? "" : i + 1 == n ? " or " : ", ") + std::string(tenancy::RoleName(tenancy::kAllRoles[i]));
  return out;
}

struct UsersArgs {
  StateArgs state;
  std::string database;  // server mode: accounts and audit in PostgreSQL
  std::string username;
  std::string role;
  std::string tenant;
  std::string practice;
  std::string display_name;
  bool totp = false;
  bool password_stdin = false;
  bool json = false;
  bool remove = false;
  bool off = false;
};

// Reads one line from the terminal with echo off. Restores the terminal
// whatever happens (a Ctrl-C leaves echo off otherwise, and the shell with it).
Result<std::string> ReadHidden(const char* prompt) {
  termios old{};
  if (::tcgetattr(STDIN_FILENO, &old) != 0) return MakeError("stdin", "cannot read the terminal's settings");
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  // Echo goes off before the prompt appears, so nothing typed after the
  // prompt can be shown or flushed away.
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::fputs(prompt, stderr);
  std::fflush(stderr);
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  if (!got) return MakeError("stdin", "no password was entered");
  return line;
}

// The new password: typed twice on a terminal, or one line of stdin.
Result<std::string> ReadNewPassword(bool from_stdin) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line)) return MakeError("stdin", "no password on standard input");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (::isatty(STDIN_FILENO) != 1)
    return MakeError("stdin", "is not a terminal; pass --password-stdin to read the password from it");
  CSU_ASSIGN_OR_RETURN(first, ReadHidden("New password (12 to 128 characters): "));
  CSU_ASSIGN_OR_RETURN(second, ReadHidden("Repeat it: "));
  if (first != second) return MakeError("password", "the two entries differ; nothing was changed");
  return first;
}

struct Opened {
  std::unique_ptr<State> state;
  std::unique_ptr<tenancy::PasswordPolicy> policy;
  std::unique_ptr<store::SqlAuditLog> server_audit;  // server mode only
  std::unique_ptr<tenancy::Accounts> accounts;
};

// Opens the state folder (creating it for `users add`, so a new
// installation can make its first administrator before any data is
// loaded), the password policy and the accounts database: the state
// folder's, or with `database` server mode's PostgreSQL, where the audit
// entries go too (the state folder then gives the reference data only).
std::optional<Opened> Open(const Context& ctx, const StateArgs& args, const std::string& database, bool create) {
  Opened o;
  auto state = OpenState(ctx, args.data_dir, args.key_file, create, Access::kShared);
  if (!state.ok()) {
    PrintError(state.error().ToString());
    return std::nullopt;
  }
  o.state = std::move(state).value();
  auto policy = tenancy::PasswordPolicy::Load(tenancy::DefaultCommonPasswordsFile(CSU_DEFAULT_PASSWORD_LIST));
  if (!policy.ok()) {
    PrintError("the common-password list is needed to check passwords: " + policy.error().ToString());
    return std::nullopt;
  }
  o.policy = std::make_unique<tenancy::PasswordPolicy>(std::move(policy).value());
  tenancy::AccountsOptions options;
  store::Store* store = o.state->store.get();
  options.audit = [store](const std::string& actor, const std::string& action, const std::string& subject,
                          const std::string& details) { return store->AppendAudit(actor, action, subject, details); };
  options.ref = o.state->ref.get();
  options.policy = o.policy.get();
  if (!database.empty()) {
    auto log = OpenServerAudit(database);
    if (!log.ok()) {
      PrintError(log.error().ToString());
      return std::nullopt;
    }
    o.server_audit = std::move(log).value();
    options.audit = AppendTo(*o.server_audit);
    auto accounts = OpenServerAccounts(database, options);
    if (!accounts.ok()) {
      PrintError(accounts.error().ToString());
      return std::nullopt;
    }
    o.accounts = std::move(accounts).value();
    return o;
  }
  auto accounts = tenancy::Accounts::Open(args.data_dir, options);
  if (!accounts.ok()) {
    PrintError(accounts.error().ToString());
    return std::nullopt;
  }
  o.accounts = std::move(accounts).value();
  return o;
}

void PrintEnrolment(const tenancy::Enrolment& e) {
  if (e.totp_secret.empty()) return;
  std::printf(
      "Second factor for %s (shown once; give it to the user over a trusted channel):\n"
      "  secret: %s\n  uri:    %s\n",
      e.user.username.c_str(), e.totp_secret.c_str(), e.totp_uri.c_str());
}

int Add(const Context& ctx, const UsersArgs& a) {
  auto role = tenancy::ParseRole(a.role);
  if (!role) {
    PrintError("--role: '" + a.role + "' is not a role; roles are " + RoleNames());
    return kExitUsage;
  }
  auto password = ReadNewPassword(a.password_stdin);
  if (!password.ok()) {
    PrintError(password.error().ToString());
    return kExitFailure;
  }
  auto o = Open(ctx, a.state, a.database, /*create=*/true);
  if (!o) return kExitFailure;
  tenancy::NewUser u{a.username, a.display_name.empty() ? a.username : a.display_name, *role, a.tenant, a.totp,
                     a.practice};
  auto added = o->accounts->AddUser(u, password.value(), o->state->actor);
  if (!added.ok()) {
    PrintError(added.error().ToString());
    return kExitFailure;
  }
  const tenancy::UserInfo& info = added.value().user;
  std::printf("Added %s (%s%s%s%s%s).\n", info.username.c_str(), std::string(tenancy::RoleName(info.role)).c_str(),
              info.tenant.empty() ? "" : ", ", info.tenant.ToString().c_str(),
              info.practice.empty() ? "" : ", practice ", info.practice.ToString().c_str());
  PrintEnrolment(added.value());
  if (tenancy::IsAssignedRole(info.role))
    std::printf("Assign CCGs with: csu users assign --data %s %s CCG\n", a.state.data_dir.c_str(),
                info.username.c_str());
  return kExitOk;
}

int List(const Context& ctx, const UsersArgs& a) {
  auto o = Open(ctx, a.state, a.database, false);
  if (!o) return kExitFailure;
  auto users = o->accounts->ListUsers();
  if (!users.ok()) {
    PrintError(users.error().ToString());
    return kExitFailure;
  }
  std::map<tenancy::Role, bool> mfa;
  for (tenancy::Role r : tenancy::kAllRoles) {
    auto required = o->accounts->RoleRequiresMfa(r);
    if (!required.ok()) {
      PrintError(required.error().ToString());
      return kExitFailure;
    }
    mfa[r] = required.value();
  }
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& u : users.value()) {
      nlohmann::json assigned = nlohmann::json::array();
      for (const auto& t : u.assigned) assigned.push_back(t.ToString());
      out.push_back({{"username", u.username}, {"display_name", u.display_name},
                     {"role", std::string(tenancy::RoleName(u.role))}, {"tenant", u.tenant.ToString()},
                     {"assigned", assigned}, {"practice", u.practice.ToString()}, {"disabled", u.disabled}, {"second_factor", u.has_totp},
                     {"second_factor_required", mfa[u.role]}, {"created_at", u.created_at},
                     {"last_sign_in_at", u.last_sign_in_at}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  if (users.value().empty()) {
    std::fprintf(stderr, "No users yet. Add the first administrator with: csu users add --data %s NAME --role csu_admin\n",
                 a.state.data_dir.c_str());
    return kExitOk;
  }
  std::printf("%-24s %-17s %-14s %-8s %-8s %-20s %s\n", "user", "role", "tenants", "2FA", "status", "last sign-in",
              "name");
  for (const auto& u : users.value()) {
    std::string tenants = u.tenant.ToString();
    for (const auto& t : u.assigned) tenants += (tenants.empty() ? "" : ",") + t.ToString();
    if (u.role == tenancy::Role::kCsuAdmin) tenants = "(all)";
    if (!u.practice.empty()) tenants += "/" + u.practice.ToString();
    const char* second = u.has_totp ? "yes" : (mfa[u.role] ? "MISSING" : "no");
    std::printf("%-24s %-17s %-14s %-8s %-8s %-20s %s\n", u.username.c_str(),
                std::string(tenancy::RoleName(u.role)).c_str(), tenants.c_str(), second,
                u.disabled ? "disabled" : "active", u.last_sign_in_at.empty() ? "never" : u.last_sign_in_at.c_str(),
                u.display_name.c_str());
  }
  return kExitOk;
}

int SetDisabled(const Context& ctx, const UsersArgs& a, bool disabled) {
  auto o = Open(ctx, a.state, a.database, false);
  if (!o) return kExitFailure;
  if (Status s = o->accounts->SetDisabled(a.username, disabled, o->state->actor); !s.ok()) {
    PrintError(s.error().ToString());
    return kExitFailure;
  }
  std::printf(disabled ? "Disabled %s; their sessions and API tokens are revoked.\n" : "Enabled %s.\n",
              a.username.c_str());
  return kExitOk;
}

int ResetPassword(const Context& ctx, const UsersArgs& a) {
  auto password = ReadNewPassword(a.password_stdin);
  if (!password.ok()) {
    PrintError(password.error().ToString());
    return kExitFailure;
  }
  auto o = Open(ctx, a.state, a.database, false);
  if (!o) return kExitFailure;
  auto reset = o->accounts->ResetPassword(a.username, password.value(), a.totp, o->state->actor);
  if (!reset.ok()) {
    PrintError(reset.error().ToString());
    return kExitFailure;
  }
  std::printf("Password of %s reset; their sessions and API tokens are revoked.\n", reset.value().user.username.c_str());
  PrintEnrolment(reset.value());
  return kExitOk;
}

int Assign(const Context& ctx, const UsersArgs& a) {
  auto o = Open(ctx, a.state, a.database, false);
  if (!o) return kExitFailure;
  if (Status s = o->accounts->Assign(a.username, a.tenant, !a.remove, o->state->actor); !s.ok()) {
    PrintError(s.error().ToString());
    return kExitFailure;
  }
  std::printf(a.remove ? "%s no longer works on %s.\n" : "%s now works on %s.\n", a.username.c_str(),
              a.tenant.c_str());
  return kExitOk;
}

int RequireMfa(const Context& ctx, const UsersArgs& a) {
  auto role = tenancy::ParseRole(a.role);
  if (!role) {
    PrintError("'" + a.role + "' is not a role; roles are " + RoleNames());
    return kExitUsage;
  }
  auto o = Open(ctx, a.state, a.database, false);
  if (!o) return kExitFailure;
  if (Status s = o->accounts->SetRoleRequiresMfa(*role, !a.off, o->state->actor); !s.ok()) {
    PrintError(s.error().ToString());
    return kExitFailure;
  }
  std::printf(a.off ? "%s users may sign in without a second factor.\n"
                    : "%s users must now sign in with a second factor.\n",
              a.role.c_str());
  if (!a.off) {
    auto users = o->accounts->ListUsers();
    if (users.ok())
      for (const auto& u : users.value())
        if (u.role == *role && !u.has_totp && !u.disabled)
          std::fprintf(stderr, "  %s has none yet: csu users reset-password --totp --data %s %s\n", u.username.c_str(),
                       a.state.data_dir.c_str(), u.username.c_str());
  }
  return kExitOk;
}

int TokenCreate(const Context& ctx, const UsersArgs& a) {
  auto o = Open(ctx, a.state, a.database, false);
  if (!o) return kExitFailure;
  // The local operator may make a token for any user: whoever can run this
  // against the state folder can read every file in it anyway. The audit
  // entry says the operator made it, for whom, so it never reads as the
  // user's own doing (docs/permissions.md, "Sessions and API tokens").
  auto made = o->accounts->CreateApiTokenAsOperator(a.username, a.display_name, o->state->actor);
  if (!made.ok()) {
    PrintError(made.error().ToString());
    return kExitFailure;
  }
  // The token on stdout alone, so a script can capture it; the advice on stderr.
  std::printf("%s\n", made.value().second.c_str());
  std::fprintf(stderr,
               "API token %lld '%s' for %s, made by the operator %s and audited so (shown once; send it as "
               "'Authorization: Bearer TOKEN'; "
               "revoke with: csu users token revoke --data %s %lld)\n",
               static_cast<long long>(made.value().first.id), made.value().first.name.c_str(),
               made.value().first.username.c_str(), o->state->actor.c_str(), a.state.data_dir.c_str(),
               static_cast<long long>(made.value().first.id));
  return kExitOk;
}

int TokenList(const Context& ctx, const UsersArgs& a) {
  auto o = Open(ctx, a.state, a.database, false);
  if (!o) return kExitFailure;
  auto found = o->accounts->FindUser(a.username);
  if (!found.ok() || !found.value()) {
    PrintError(found.ok() ? "user " + a.username + ": no such user" : found.error().ToString());
    return kExitFailure;
  }
  auto tokens = o->accounts->ListApiTokens(a.username);
  if (!tokens.ok()) {
    PrintError(tokens.error().ToString());
    return kExitFailure;
  }
  auto when = [](int64_t t) { return t == 0 ? std::string("never") : tenancy::IsoUtc(t); };
  std::printf("%-6s %-30s %-20s %-20s %s\n", "id", "name", "created", "last used", "status");
  for (const auto& t : tokens.value())
    std::printf("%-6lld %-30s %-20s %-20s %s\n", static_cast<long long>(t.id), t.name.c_str(),
                when(t.created_at).c_str(), when(t.last_used_at).c_str(),
                t.revoked_at == 0 ? "active" : ("revoked " + when(t.revoked_at)).c_str());
  return kExitOk;
}

int TokenRevoke(const Context& ctx, const UsersArgs& a, int64_t id) {
  auto o = Open(ctx, a.state, a.database, false);
  if (!o) return kExitFailure;
  if (Status s = o->accounts->RevokeApiToken(id, o->state->actor); !s.ok()) {
    PrintError(s.error().ToString());
    return kExitFailure;
  }
  std::printf("API token %lld revoked.\n", static_cast<long long>(id));
  return kExitOk;
}

}  // namespace

void AddUsersCommand(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("users", "Platform users, roles, CCG assignments and second factors");
  cmd->require_subcommand(1);
  const std::string roles = RoleNames();

  auto add_args = std::make_shared<UsersArgs>();
  CLI::App* add = cmd->add_subcommand("add", "Add a user; the password is read from the terminal or --password-stdin");
  AddStateOptions(add, add_args->state);
  AddDatabaseOption(add, add_args->database);
  add->add_option("USERNAME", add_args->username, "User name (letters, digits, . _ @ -)")->required();
  add->add_option("--role", add_args->role, roles)->required();
  add->add_option("--tenant", add_args->tenant, "The user's CCG (ODS code), for ccg_* roles and gp_practice")
      ->transform(UpperCaseCode);
  add->add_option("--practice", add_args->practice,
                  "The practice (ODS code) a gp_practice user is bound to: one practice of --tenant")
      ->transform(UpperCaseCode);
  add->add_option("--name", add_args->display_name, "Display name");
  add->add_flag("--totp", add_args->totp, "Enrol a TOTP second factor now and print its secret once");
  add->add_flag("--password-stdin", add_args->password_stdin, "Read the password from standard input");
  add->callback([&ctx, add_args] { ctx.action = [&ctx, add_args] { return Add(ctx, *add_args); }; });

  auto list_args = std::make_shared<UsersArgs>();
  CLI::App* list = cmd->add_subcommand("list", "List users with role, tenants, second factor and last sign-in");
  AddStateOptions(list, list_args->state);
  AddDatabaseOption(list, list_args->database);
  list->add_flag("--json", list_args->json, "Print JSON");
  list->callback([&ctx, list_args] { ctx.action = [&ctx, list_args] { return List(ctx, *list_args); }; });

  for (bool disable : {true, false}) {
    auto args = std::make_shared<UsersArgs>();
    CLI::App* sub = cmd->add_subcommand(disable ? "disable" : "enable",
                                        disable ? "Disable a user and revoke their sessions and API tokens"
                                                : "Enable a disabled user");
    AddStateOptions(sub, args->state);
  AddDatabaseOption(sub, args->database);
    sub->add_option("USERNAME", args->username, "User name")->required();
    sub->callback([&ctx, args, disable] {
      ctx.action = [&ctx, args, disable] { return SetDisabled(ctx, *args, disable); };
    });
  }

  auto reset_args = std::make_shared<UsersArgs>();
  CLI::App* reset = cmd->add_subcommand("reset-password", "Set a new password; revokes sessions and API tokens");
  AddStateOptions(reset, reset_args->state);
  AddDatabaseOption(reset, reset_args->database);
  reset->add_option("USERNAME", reset_args->username, "User name")->required();
  reset->add_flag("--totp", reset_args->totp, "Also replace the TOTP second factor and print the new secret once");
  reset->add_flag("--password-stdin", reset_args->password_stdin, "Read the password from standard input");
  reset->callback([&ctx, reset_args] { ctx.action = [&ctx, reset_args] { return ResetPassword(ctx, *reset_args); }; });

  auto assign_args = std::make_shared<UsersArgs>();
  CLI::App* assign = cmd->add_subcommand("assign", "Assign a CCG to a csu_analyst or csu_finance user (or --remove it)");
  AddStateOptions(assign, assign_args->state);
  AddDatabaseOption(assign, assign_args->database);
  assign->add_option("USERNAME", assign_args->username, "Analyst's user name")->required();
  assign->add_option("CCG", assign_args->tenant, "CCG ODS code")->required()->transform(UpperCaseCode);
  assign->add_flag("--remove", assign_args->remove, "Remove the assignment instead");
  assign->callback([&ctx, assign_args] { ctx.action = [&ctx, assign_args] { return Assign(ctx, *assign_args); }; });

  auto mfa_args = std::make_shared<UsersArgs>();
  CLI::App* mfa = cmd->add_subcommand("require-2fa", "Require a second factor for every user of a role (or --off)");
  AddStateOptions(mfa, mfa_args->state);
  AddDatabaseOption(mfa, mfa_args->database);
  mfa->add_option("ROLE", mfa_args->role, roles)->required();
  mfa->add_flag("--off", mfa_args->off, "Stop requiring it");
  mfa->callback([&ctx, mfa_args] { ctx.action = [&ctx, mfa_args] { return RequireMfa(ctx, *mfa_args); }; });

  CLI::App* token = cmd->add_subcommand("token", "API tokens for other systems (JSON API), per user");
  token->require_subcommand(1);
  auto create_args = std::make_shared<UsersArgs>();
  CLI::App* create = token->add_subcommand("create", "Make a token acting as USERNAME; printed once");
  AddStateOptions(create, create_args->state);
  AddDatabaseOption(create, create_args->database);
  create->add_option("USERNAME", create_args->username, "Whose role and tenants the token acts with")->required();
  create->add_option("--name", create_args->display_name, "What it is for, e.g. 'finance dashboard'")->required();
  create->callback([&ctx, create_args] { ctx.action = [&ctx, create_args] { return TokenCreate(ctx, *create_args); }; });
  auto tlist_args = std::make_shared<UsersArgs>();
  CLI::App* tlist = token->add_subcommand("list", "List a user's tokens (never the tokens themselves)");
  AddStateOptions(tlist, tlist_args->state);
  AddDatabaseOption(tlist, tlist_args->database);
  tlist->add_option("USERNAME", tlist_args->username, "User name")->required();
  tlist->callback([&ctx, tlist_args] { ctx.action = [&ctx, tlist_args] { return TokenList(ctx, *tlist_args); }; });
  auto revoke_args = std::make_shared<UsersArgs>();
  auto revoke_id = std::make_shared<int64_t>(0);
  CLI::App* revoke = token->add_subcommand("revoke", "Revoke a token by its id");
  AddStateOptions(revoke, revoke_args->state);
  AddDatabaseOption(revoke, revoke_args->database);
  revoke->add_option("ID", *revoke_id, "Token id (from 'csu users token list')")->required();
  revoke->callback([&ctx, revoke_args, revoke_id] {
    ctx.action = [&ctx, revoke_args, revoke_id] { return TokenRevoke(ctx, *revoke_args, *revoke_id); };
  });
}

}  // namespace csu::cli
