#include "tenancy/permissions.h"

#include <algorithm>

namespace csu::tenancy {
namespace {

// The matrix. One row per role and action; a role × action missing here is
// denied. Changing a cell changes docs/permissions.md in the same commit
// (permissions_test.cc pins every cell).
struct Grant {
  Role role;
  Action action;
  bool aggregate;
  bool record_level;
};

constexpr Grant kMatrix[] = {
    // role                    action                         aggregate record
    {Role::kCsuAdmin,        Action::kView,                true,     false},
    {Role::kCsuAdmin,        Action::kLoadData,            true,     false},
    {Role::kCsuAdmin,        Action::kManageUsers,         true,     false},
    {Role::kCsuAdmin,        Action::kViewAudit,           true,     false},
    {Role::kCsuAdmin,        Action::kViewBilling,         true,     false},
    {Role::kCsuAdmin,        Action::kManageBilling,       true,     false},
    {Role::kCsuAnalyst,      Action::kView,                true,     true},
    {Role::kCsuAnalyst,      Action::kExport,              true,     true},
    {Role::kCsuAnalyst,      Action::kSetChallengeStatus,  true,     false},
    {Role::kCsuAnalyst,      Action::kLoadData,            true,     false},
    {Role::kCcgCommissioner, Action::kView,                true,     true},
    {Role::kCcgCommissioner, Action::kExport,              true,     false},
    {Role::kCcgCommissioner, Action::kSetChallengeStatus,  true,     false},
    {Role::kCcgCommissioner, Action::kViewBilling,         true,     false},
    {Role::kCcgFinance,      Action::kView,                true,     false},
    {Role::kCcgFinance,      Action::kExport,              true,     false},
    {Role::kCcgFinance,      Action::kSetChallengeStatus,  true,     false},
    {Role::kCcgFinance,      Action::kViewBilling,         true,     false},
    {Role::kCcgFinance,      Action::kViewLedger,          true,     false},
    {Role::kCcgFinance,      Action::kPostJournal,         true,     false},
    {Role::kCcgFinance,      Action::kApproveJournal,      true,     false},
    {Role::kCcgFinance,      Action::kManageBudget,        true,     false},
    {Role::kCcgViewer,       Action::kView,                true,     false},
    {Role::kCsuProcurement,  Action::kView,                true,     false},
    {Role::kCsuProcurement,  Action::kExport,              true,     false},
    {Role::kCsuProcurement,  Action::kManageProcurement,   true,     false},
    {Role::kCsuProcurement,  Action::kScoreBids,           true,     false},
    {Role::kCsuAnalyst,      Action::kScoreBids,           true,     false},
    {Role::kCcgCommissioner, Action::kScoreBids,           true,     false},
    {Role::kCcgFinance,      Action::kScoreBids,           true,     false},
    {Role::kCcgViewer,       Action::kScoreBids,           true,     false},
    {Role::kCsuFinance,      Action::kView,                true,     false},
    {Role::kCsuFinance,      Action::kExport,              true,     false},
    {Role::kCsuFinance,      Action::kViewBilling,         true,     false},
    {Role::kCsuFinance,      Action::kViewLedger,          true,     false},
    {Role::kCsuFinance,      Action::kPostJournal,         true,     false},
    {Role::kCsuFinance,      Action::kApproveJournal,      true,     false},
    {Role::kCsuFinance,      Action::kManageBudget,        true,     false},
    {Role::kCsuFinance,      Action::kClosePeriod,         true,     false},
    {Role::kCsuFinance,      Action::kScoreBids,           true,     false},
    {Role::kCcgFinance,      Action::kViewChc,             true,     false},
    {Role::kCsuChc,          Action::kViewChc,             true,     true},
    {Role::kCsuChc,          Action::kViewChcIdentifiable, false,    true},
    {Role::kCsuChc,          Action::kManageChc,           true,     true},
    {Role::kCcgChc,          Action::kViewChc,             true,     true},
    {Role::kCcgChc,          Action::kViewChcIdentifiable, false,    true},
    {Role::kCcgChc,          Action::kManageChc,           true,     true},
    {Role::kCsuPayroll,      Action::kViewStaff,           true,     true},
    {Role::kCsuPayroll,      Action::kViewStaffIdentifiable, false,  true},
    {Role::kCsuPayroll,      Action::kManageStaff,         true,     true},
    {Role::kCsuPayroll,      Action::kRunPayroll,          true,     false},
    {Role::kCsuPayroll,      Action::kApprovePayroll,      true,     false},
    {Role::kCcgHr,           Action::kViewStaff,           true,     true},
    {Role::kCcgHr,           Action::kViewStaffIdentifiable, false,  true},
    {Role::kCcgHr,           Action::kManageStaff,         true,     true},
    {Role::kCcgHr,           Action::kRunPayroll,          true,     false},
    {Role::kCcgHr,           Action::kApprovePayroll,      true,     false},
    {Role::kGpPractice,      Action::kViewPrimaryCare,     true,     false},
    {Role::kGpPractice,      Action::kSubmitClaims,        true,     false},
    {Role::kCcgPrimaryCare,  Action::kViewPrimaryCare,     true,     false},
    {Role::kCcgPrimaryCare,  Action::kApproveClaims,       true,     false},
    {Role::kCcgPrimaryCare,  Action::kManageSchemes,       true,     false},
    {Role::kCsuPrimaryCare,  Action::kViewPrimaryCare,     true,     false},
    {Role::kCsuPrimaryCare,  Action::kApproveClaims,       true,     false},
    {Role::kCsuPrimaryCare,  Action::kManageSchemes,       true,     false},
};

bool Contains(const std::vector<OdsCode>& v, const OdsCode& c) { return std::find(v.begin(), v.end(), c) != v.end(); }

}  // namespace

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kCsuAdmin: return "csu_admin";
    case Role::kCsuAnalyst: return "csu_analyst";
    case Role::kCcgCommissioner: return "ccg_commissioner";
    case Role::kCcgFinance: return "ccg_finance";
    case Role::kCcgViewer: return "ccg_viewer";
    case Role::kCsuProcurement: return "csu_procurement";
    case Role::kCsuFinance: return "csu_finance";
    case Role::kCsuChc: return "csu_chc";
    case Role::kCcgChc: return "ccg_chc";
    case Role::kCsuPayroll: return "csu_payroll";
    case Role::kCcgHr: return "ccg_hr";
    case Role::kGpPractice: return "gp_practice";
    case Role::kCcgPrimaryCare: return "ccg_primary_care";
    case Role::kCsuPrimaryCare: return "csu_primary_care";
  }
  return "?";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles)
    if (RoleName(r) == name) return r;
  return std::nullopt;
}

bool IsCsuRole(Role r) {
  return r == Role::kCsuAdmin || r == Role::kCsuAnalyst || r == Role::kCsuProcurement || r == Role::kCsuFinance ||
         r == Role::kCsuChc || r == Role::kCsuPayroll || r == Role::kCsuPrimaryCare;
}

bool IsPracticeRole(Role r) { return r == Role::kGpPractice; }

bool IsAssignedRole(Role r) {
  return r == Role::kCsuAnalyst || r == Role::kCsuProcurement || r == Role::kCsuFinance || r == Role::kCsuChc ||
         r == Role::kCsuPayroll || r == Role::kCsuPrimaryCare;
}

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kView: return "view";
    case Action::kExport: return "export";
    case Action::kSetChallengeStatus: return "set_challenge_status";
    case Action::kLoadData: return "load_data";
    case Action::kManageUsers: return "manage_users";
    case Action::kViewAudit: return "view_audit";
    case Action::kViewBilling: return "view_billing";
    case Action::kManageBilling: return "manage_billing";
    case Action::kManageProcurement: return "manage_procurement";
    case Action::kScoreBids: return "score_bids";
    case Action::kViewLedger: return "view_ledger";
    case Action::kPostJournal: return "post_journal";
    case Action::kApproveJournal: return "approve_journal";
    case Action::kManageBudget: return "manage_budget";
    case Action::kClosePeriod: return "close_period";
    case Action::kViewChc: return "view_chc";
    case Action::kViewChcIdentifiable: return "view_chc_identifiable";
    case Action::kManageChc: return "manage_chc";
    case Action::kViewStaff: return "view_staff";
    case Action::kViewStaffIdentifiable: return "view_staff_identifiable";
    case Action::kManageStaff: return "manage_staff";
    case Action::kRunPayroll: return "run_payroll";
    case Action::kApprovePayroll: return "approve_payroll";
    case Action::kViewPrimaryCare: return "view_primary_care";
    case Action::kSubmitClaims: return "submit_claims";
    case Action::kApproveClaims: return "approve_claims";
    case Action::kManageSchemes: return "manage_schemes";
  }
  return "?";
}

std::string_view IdentifiabilityName(Identifiability i) {
  return i == Identifiability::kAggregate ? "aggregate" : "record_level";
}

bool IsCsuWide(Action a) {
  return a == Action::kLoadData || a == Action::kManageUsers || a == Action::kViewAudit || a == Action::kManageBilling;
}

bool Grants(Role role, Action action, Identifiability level) {
  for (const Grant& g : kMatrix) {
    if (g.role != role || g.action != action) continue;
    return level == Identifiability::kAggregate ? g.aggregate : g.record_level;
  }
  return false;
}

Permission Check(const Principal& who, Action action, const OdsCode& tenant, Identifiability level) {
  auto refuse = [](std::string why) { return Permission{false, std::move(why)}; };
  if (who.user_id <= 0) return refuse("no signed-in user");
  if (!Grants(who.role, action, level))
    return refuse(std::string(RoleName(who.role)) + " may not " + std::string(ActionName(action)) + " at " +
                  std::string(IdentifiabilityName(level)) + " level");
  if (IsCsuWide(action)) {
    // CSU-wide actions belong to CSU staff and name no tenant: a CCG user
    // cannot reach them by naming their own CCG.
    if (!tenant.empty()) return refuse(std::string(ActionName(action)) + " is CSU-wide and takes no tenant");
    if (!IsCsuRole(who.role)) return refuse("only CSU staff act CSU-wide");
    return Permission{true, ""};
  }
  if (tenant.empty()) return refuse(std::string(ActionName(action)) + " needs a tenant");
  switch (who.role) {
    case Role::kCsuAdmin:
      return Permission{true, ""};
    case Role::kCsuAnalyst:
    case Role::kCsuProcurement:
    case Role::kCsuFinance:
    case Role::kCsuChc:
    case Role::kCsuPayroll:
    case Role::kCsuPrimaryCare:
      if (Contains(who.assigned, tenant)) return Permission{true, ""};
      return refuse("tenant " + tenant.ToString() + " is not assigned to this user");
    case Role::kCcgCommissioner:
    case Role::kCcgFinance:
    case Role::kCcgViewer:
    case Role::kCcgChc:
    case Role::kCcgHr:
    case Role::kCcgPrimaryCare:
      if (!who.tenant.empty() && who.tenant == tenant) return Permission{true, ""};
      return refuse("tenant " + tenant.ToString() + " is not the user's own CCG");
    case Role::kGpPractice:
      // A practice acts only within its own CCG, and only with a practice
      // bound; PracticeScope narrows it to that practice.
      if (who.practice.empty()) return refuse("this practice user is bound to no practice");
      if (!who.tenant.empty() && who.tenant == tenant) return Permission{true, ""};
      return refuse("tenant " + tenant.ToString() + " is not the user's own CCG");
  }
  return refuse("unknown role");
}

std::vector<OdsCode> TenantsOf(const Principal& who, const std::vector<OdsCode>& all_tenants) {
  switch (who.role) {
    case Role::kCsuAdmin: return all_tenants;
    case Role::kCsuAnalyst:
    case Role::kCsuProcurement:
    case Role::kCsuFinance:
    case Role::kCsuChc:
    case Role::kCsuPayroll: return who.assigned;
    case Role::kCsuPrimaryCare: return who.assigned;
    default: return who.tenant.empty() ? std::vector<OdsCode>{} : std::vector<OdsCode>{who.tenant};
  }
}

std::optional<OdsCode> PracticeScope(const Principal& who) {
  if (IsPracticeRole(who.role)) return who.practice;
  return std::nullopt;
}

}  // namespace csu::tenancy
