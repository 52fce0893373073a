// The permission matrix, exhaustively: every role × action × tenant (own or
// assigned, another CCG, none) × identifiability, against a copy of
// docs/permissions.md's table written out independently here. A cell changed
// in code but not here (or the doc) fails.
#include <gtest/gtest.h>

#include <set>

#include "tenancy/permissions.h"

namespace csu::tenancy {
namespace {

OdsCode Ods(const char* s) { return OdsCode::Parse(s).value(); }

// "role action level" for every granted cell of docs/permissions.md.
const std::set<std::string> kGranted = {
    "csu_admin view aggregate",
    "csu_admin load_data aggregate",
    "csu_admin manage_users aggregate",
    "csu_admin view_audit aggregate",
    "csu_admin view_billing aggregate",
    "csu_admin manage_billing aggregate",
    "csu_analyst view aggregate",
    "csu_analyst view record_level",
    "csu_analyst export aggregate",
    "csu_analyst export record_level",
    "csu_analyst set_challenge_status aggregate",
    "csu_analyst load_data aggregate",
    "ccg_commissioner view aggregate",
    "ccg_commissioner view record_level",
    "ccg_commissioner export aggregate",
    "ccg_commissioner set_challenge_status aggregate",
    "ccg_commissioner view_billing aggregate",
    "ccg_finance view aggregate",
    "ccg_finance export aggregate",
    "ccg_finance set_challenge_status aggregate",
    "ccg_finance view_billing aggregate",
    "ccg_finance view_ledger aggregate",
    "ccg_finance post_journal aggregate",
    "ccg_finance approve_journal aggregate",
    "ccg_finance manage_budget aggregate",
    "ccg_viewer view aggregate",
    "csu_procurement view aggregate",
    "csu_procurement export aggregate",
    "csu_procurement manage_procurement aggregate",
    "csu_procurement score_bids aggregate",
    "csu_analyst score_bids aggregate",
    "ccg_commissioner score_bids aggregate",
    "ccg_finance score_bids aggregate",
    "ccg_viewer score_bids aggregate",
    "csu_finance view aggregate",
    "csu_finance export aggregate",
    "csu_finance view_billing aggregate",
    "csu_finance view_ledger aggregate",
    "csu_finance post_journal aggregate",
    "csu_finance approve_journal aggregate",
    "csu_finance manage_budget aggregate",
    "csu_finance close_period aggregate",
    "csu_finance score_bids aggregate",
    "ccg_finance view_chc aggregate",
    "csu_chc view_chc aggregate",
    "csu_chc view_chc record_level",
    "csu_chc view_chc_identifiable record_level",
    "csu_chc manage_chc aggregate",
    "csu_chc manage_chc record_level",
    "ccg_chc view_chc aggregate",
    "ccg_chc view_chc record_level",
    "ccg_chc view_chc_identifiable record_level",
    "ccg_chc manage_chc aggregate",
    "ccg_chc manage_chc record_level",
    "csu_payroll view_staff aggregate",
    "csu_payroll view_staff record_level",
    "csu_payroll view_staff_identifiable record_level",
    "csu_payroll manage_staff aggregate",
    "csu_payroll manage_staff record_level",
    "csu_payroll run_payroll aggregate",
    "csu_payroll approve_payroll aggregate",
    "ccg_hr view_staff aggregate",
    "ccg_hr view_staff record_level",
    "ccg_hr view_staff_identifiable record_level",
    "ccg_hr manage_staff aggregate",
    "ccg_hr manage_staff record_level",
    "ccg_hr run_payroll aggregate",
    "ccg_hr approve_payroll aggregate",
    "gp_practice view_primary_care aggregate",
    "gp_practice submit_claims aggregate",
    "ccg_primary_care view_primary_care aggregate",
    "ccg_primary_care approve_claims aggregate",
    "ccg_primary_care manage_schemes aggregate",
    "csu_primary_care view_primary_care aggregate",
    "csu_primary_care approve_claims aggregate",
    "csu_primary_care manage_schemes aggregate",
};

Principal Of(Role role) {
  Principal p;
  p.user_id = 7;
  p.username = "someone";
  p.role = role;
  if (!IsCsuRole(role)) p.tenant = Ods("02E");
  if (IsAssignedRole(role)) p.assigned = {Ods("02E"), Ods("01A")};
  if (IsPracticeRole(role)) p.practice = Ods("N81001");
  return p;
}

TEST(PermissionTest, EveryCellOfTheMatrix) {
  const OdsCode mine = Ods("02E");  // own CCG, or assigned to the analyst
  const OdsCode other = Ods("27D");
  const OdsCode none;
  int checked = 0, allowed = 0;
  for (Role role : kAllRoles) {
    const Principal who = Of(role);
    for (Action action : kAllActions) {
      for (Identifiability level : {Identifiability::kAggregate, Identifiability::kRecordLevel}) {
        const std::string cell = std::string(RoleName(role)) + " " + std::string(ActionName(action)) + " " +
                                 std::string(IdentifiabilityName(level));
        const bool granted = kGranted.count(cell) != 0;
        EXPECT_EQ(Grants(role, action, level), granted) << cell;
        for (const OdsCode* tenant : {&mine, &other, &none}) {
          bool expected;
          if (IsCsuWide(action)) {
            expected = granted && tenant->empty() && IsCsuRole(role);
          } else if (tenant->empty()) {
            expected = false;
          } else if (role == Role::kCsuAdmin) {
            expected = granted;
          } else {
            expected = granted && *tenant == mine;  // analyst: assigned; CCG roles: own
          }
          Permission p = Check(who, action, *tenant, level);
          EXPECT_EQ(p.allowed, expected) << cell << " tenant '" << tenant->ToString() << "': " << p.reason;
          EXPECT_EQ(p.allowed, p.reason.empty()) << cell;
          ++checked;
          allowed += p.allowed ? 1 : 0;
        }
      }
    }
  }
  EXPECT_EQ(checked, 14 * 27 * 2 * 3);
  EXPECT_GT(allowed, 0);
}

TEST(PermissionTest, DenyByDefault) {
  // No signed-in user: nothing, not even an admin's role.
  Principal nobody = Of(Role::kCsuAdmin);
  nobody.user_id = 0;
  for (Action a : kAllActions)
    EXPECT_FALSE(Check(nobody, a, OdsCode(), Identifiability::kAggregate)) << ActionName(a);
  // An analyst with nothing assigned reaches no tenant.
  Principal idle = Of(Role::kCsuAnalyst);
  idle.assigned.clear();
  EXPECT_FALSE(Check(idle, Action::kView, Ods("02E"), Identifiability::kAggregate));
  // A CCG user with no tenant (a damaged row) reaches none.
  Principal lost = Of(Role::kCcgViewer);
  lost.tenant = OdsCode();
  EXPECT_FALSE(Check(lost, Action::kView, Ods("02E"), Identifiability::kAggregate));
  // A CCG user's own tenant does not open CSU-wide actions.
  EXPECT_FALSE(Check(Of(Role::kCcgCommissioner), Action::kManageUsers, Ods("02E"), Identifiability::kAggregate));
}

TEST(PermissionTest, TenantsComeFromThePrincipal) {
  const std::vector<OdsCode> all = {Ods("01A"), Ods("02E"), Ods("27D")};
  EXPECT_EQ(TenantsOf(Of(Role::kCsuAdmin), all), all);
  EXPECT_EQ(TenantsOf(Of(Role::kCsuAnalyst), all), (std::vector<OdsCode>{Ods("02E"), Ods("01A")}));
  EXPECT_EQ(TenantsOf(Of(Role::kCcgFinance), all), (std::vector<OdsCode>{Ods("02E")}));
  EXPECT_EQ(TenantsOf(Of(Role::kCsuProcurement), all), (std::vector<OdsCode>{Ods("02E"), Ods("01A")}));
  EXPECT_EQ(TenantsOf(Of(Role::kCsuFinance), all), (std::vector<OdsCode>{Ods("02E"), Ods("01A")}));
}

TEST(PermissionTest, LedgerActionsReachOnlyTheFinanceRolesOwnOrAssignedLedgers) {
  // CCG finance: its own CCG's ledger, not another's, and no period close
  // (the CSU's finance team runs month-end for the ledgers it keeps).
  const Principal ccg = Of(Role::kCcgFinance);
  EXPECT_TRUE(Check(ccg, Action::kPostJournal, Ods("02E"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(ccg, Action::kViewLedger, Ods("27D"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(ccg, Action::kClosePeriod, Ods("02E"), Identifiability::kAggregate));
  // CSU finance: the CCGs assigned, and nothing once unassigned.
  Principal csu = Of(Role::kCsuFinance);
  EXPECT_TRUE(Check(csu, Action::kClosePeriod, Ods("01A"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(csu, Action::kViewLedger, Ods("27D"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(csu, Action::kView, Ods("02E"), Identifiability::kRecordLevel)) << "finance sees no records";
  EXPECT_FALSE(Check(csu, Action::kManageUsers, OdsCode(), Identifiability::kAggregate));
  csu.assigned.clear();
  EXPECT_FALSE(Check(csu, Action::kViewLedger, Ods("02E"), Identifiability::kAggregate));
  // Nobody else touches a ledger: not an administrator, analyst, commissioner or viewer.
  for (Role r : {Role::kCsuAdmin, Role::kCsuAnalyst, Role::kCcgCommissioner, Role::kCcgViewer})
    for (Action a : {Action::kViewLedger, Action::kPostJournal, Action::kApproveJournal, Action::kManageBudget,
                     Action::kClosePeriod})
      EXPECT_FALSE(Grants(r, a, Identifiability::kAggregate)) << RoleName(r) << " " << ActionName(a);
}

// Continuing healthcare: identifiable fields are for the CHC roles alone,
// within their own or assigned CCGs; another CCG's cases are out of reach.
TEST(PermissionTest, ChcIdentifiableOnlyForChcRoles) {
  for (Role r : {Role::kCsuAdmin, Role::kCsuAnalyst, Role::kCcgCommissioner, Role::kCcgFinance, Role::kCcgViewer}) {
    EXPECT_FALSE(Check(Of(r), Action::kViewChcIdentifiable, Ods("02E"), Identifiability::kRecordLevel)) << RoleName(r);
    EXPECT_FALSE(Check(Of(r), Action::kViewChc, Ods("02E"), Identifiability::kRecordLevel)) << RoleName(r);
    EXPECT_FALSE(Check(Of(r), Action::kManageChc, Ods("02E"), Identifiability::kRecordLevel)) << RoleName(r);
  }
  EXPECT_TRUE(Check(Of(Role::kCcgChc), Action::kViewChcIdentifiable, Ods("02E"), Identifiability::kRecordLevel));
  EXPECT_FALSE(Check(Of(Role::kCcgChc), Action::kViewChcIdentifiable, Ods("27D"), Identifiability::kRecordLevel));
  EXPECT_TRUE(Check(Of(Role::kCsuChc), Action::kViewChcIdentifiable, Ods("01A"), Identifiability::kRecordLevel));
  EXPECT_FALSE(Check(Of(Role::kCsuChc), Action::kViewChcIdentifiable, Ods("27D"), Identifiability::kRecordLevel));
  Principal unassigned = Of(Role::kCsuChc);
  unassigned.assigned.clear();
  EXPECT_FALSE(Check(unassigned, Action::kViewChc, Ods("02E"), Identifiability::kAggregate));
  EXPECT_EQ(TenantsOf(Of(Role::kCsuChc), {Ods("01A"), Ods("02E"), Ods("27D")}),
            (std::vector<OdsCode>{Ods("02E"), Ods("01A")}));
  // Finance sees the committed cost (aggregate), never a case.
  EXPECT_TRUE(Check(Of(Role::kCcgFinance), Action::kViewChc, Ods("02E"), Identifiability::kAggregate));
}

// Primary care: a practice reaches its own CCG only with a practice bound,
// and PracticeScope narrows it to that practice; the CCG team and the CSU's
// primary care staff see every practice of their own or assigned CCGs.
TEST(PermissionTest, PrimaryCareRolesAndPracticeScope) {
  const Principal gp = Of(Role::kGpPractice);
  EXPECT_TRUE(Check(gp, Action::kSubmitClaims, Ods("02E"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(gp, Action::kSubmitClaims, Ods("27D"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(gp, Action::kApproveClaims, Ods("02E"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(gp, Action::kView, Ods("02E"), Identifiability::kAggregate)) << "not the CCG's figures";
  EXPECT_EQ(PracticeScope(gp), Ods("N81001"));
  Principal unbound = gp;
  unbound.practice = OdsCode();
  EXPECT_FALSE(Check(unbound, Action::kViewPrimaryCare, Ods("02E"), Identifiability::kAggregate));
  EXPECT_EQ(PracticeScope(Of(Role::kCcgPrimaryCare)), std::nullopt);
  EXPECT_EQ(PracticeScope(Of(Role::kCsuPrimaryCare)), std::nullopt);
  EXPECT_TRUE(Check(Of(Role::kCsuPrimaryCare), Action::kApproveClaims, Ods("01A"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(Of(Role::kCsuPrimaryCare), Action::kApproveClaims, Ods("27D"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(Of(Role::kCcgPrimaryCare), Action::kSubmitClaims, Ods("02E"), Identifiability::kAggregate))
      << "the approver never claims";
  EXPECT_TRUE(IsCsuRole(Role::kCsuPrimaryCare));
  EXPECT_FALSE(IsCsuRole(Role::kGpPractice));
}

TEST(PermissionTest, RoleNamesRoundTrip) {
  for (Role r : kAllRoles) EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole("CSU_ADMIN"), std::nullopt);
}

TEST(PermissionTest, StaffRecordsReachOnlyThePayrollRolesOwnOrAssignedEmployers) {
  // A CCG's HR sees its own staff, identifiable too, and never another CCG's.
  const Principal hr = Of(Role::kCcgHr);
  EXPECT_TRUE(Check(hr, Action::kViewStaffIdentifiable, Ods("02E"), Identifiability::kRecordLevel));
  EXPECT_FALSE(Check(hr, Action::kViewStaff, Ods("27D"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(hr, Action::kViewStaffIdentifiable, Ods("27D"), Identifiability::kRecordLevel));
  // CSU payroll: the employers assigned, nothing once unassigned.
  Principal csu = Of(Role::kCsuPayroll);
  EXPECT_TRUE(Check(csu, Action::kRunPayroll, Ods("01A"), Identifiability::kAggregate));
  EXPECT_FALSE(Check(csu, Action::kViewStaff, Ods("27D"), Identifiability::kAggregate));
  csu.assigned.clear();
  EXPECT_FALSE(Check(csu, Action::kViewStaff, Ods("02E"), Identifiability::kAggregate));
  // Nobody else sees staff at all: administrators, analysts, finance, CHC.
  for (Role r : kAllRoles) {
    if (r == Role::kCsuPayroll || r == Role::kCcgHr) continue;
    for (Action a : {Action::kViewStaff, Action::kViewStaffIdentifiable, Action::kManageStaff, Action::kRunPayroll,
                     Action::kApprovePayroll})
      for (Identifiability l : {Identifiability::kAggregate, Identifiability::kRecordLevel})
        EXPECT_FALSE(Grants(r, a, l)) << RoleName(r) << " " << ActionName(a);
  }
  // Identifiable staff fields are record level only.
  EXPECT_FALSE(Grants(Role::kCcgHr, Action::kViewStaffIdentifiable, Identifiability::kAggregate));
}

}  // namespace
}  // namespace csu::tenancy
