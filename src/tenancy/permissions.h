// Roles, actions and the one permission matrix (documented, row for row, in
// docs/permissions.md). Every decision is Check(principal, action, tenant,
// identifiability) and denies unless the matrix grants the role the action at
// that identifiability AND the tenant is within the principal's own scope:
//
//   csu_admin         any tenant of the CSU, and the CSU-wide actions
//   csu_analyst       only the CCGs assigned to them
//   csu_procurement   only the CCGs assigned to them
//   csu_finance       only the CCGs assigned to them (their ledgers)
//   csu_payroll       only the CCG employers assigned to them (and the CSU's
//                     own staff, which the payroll pages decide: see
//                     docs/permissions.md, "The CSU as an employer")
//   ccg_*             only their own CCG
//   csu_primary_care  only the CCGs assigned to them
//   gp_practice       only their own CCG, and within it only their own
//                     practice (Principal::practice): the matrix scopes the
//                     CCG; the primary care pages and stores scope the
//                     practice (PracticeScope below)
//
// The tenant a request may act on is always derived from the signed-in
// principal (TenantsOf); a tenant named in a request is only ever checked
// against that scope, never trusted. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/codes.h"

namespace csu::tenancy {

// Appended, never reordered (stored by name, but tests and tables list them
// in this order). kCsuChc: the CSU's continuing healthcare staff, assigned
// CCGs like an analyst; kCcgChc: a CCG's own continuing healthcare team.
enum class Role : uint8_t {
  kCsuAdmin,
  kCsuAnalyst,
  kCcgCommissioner,
  kCcgFinance,
  kCcgViewer,
  kCsuProcurement,
  kCsuFinance,
  kCsuChc,
  kCcgChc,
  kCsuPayroll,  // the CSU's payroll and HR staff, assigned employers (CCGs) like an analyst
  kCcgHr,       // a CCG's own HR and payroll staff
  // Primary care contracting (docs/primary-care.md), appended: a GP
  // practice (bound to one practice of its CCG), a CCG's primary care team,
  // and the CSU's primary care staff (assigned CCGs like an analyst).
  kGpPractice,
  kCcgPrimaryCare,
  kCsuPrimaryCare,
};
inline constexpr Role kAllRoles[] = {Role::kCsuAdmin,   Role::kCsuAnalyst, Role::kCcgCommissioner, Role::kCcgFinance,
                                     Role::kCcgViewer,  Role::kCsuProcurement, Role::kCsuFinance, Role::kCsuChc,
                                     Role::kCcgChc,     Role::kCsuPayroll, Role::kCcgHr,   Role::kGpPractice,
                                     Role::kCcgPrimaryCare, Role::kCsuPrimaryCare};

// "csu_admin", "csu_analyst", "ccg_commissioner", "ccg_finance", "ccg_viewer",
// "csu_procurement", "csu_finance", "csu_chc", "ccg_chc", "csu_payroll", "ccg_hr",
// "gp_practice", "ccg_primary_care", "csu_primary_care".
std::string_view RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
// CSU staff have no tenant of their own; CCG roles (and gp_practice, whose
// tenant is its practice's CCG) have exactly one.
bool IsCsuRole(Role r);
// Roles bound to one GP practice as well as a CCG (gp_practice).
bool IsPracticeRole(Role r);
// Roles whose tenants are the CCGs assigned to them (csu_analyst,
// csu_procurement, csu_finance, csu_chc, csu_payroll), rather than one own CCG or all.
bool IsAssignedRole(Role r);

enum class Action : uint8_t {
  kView,                // see figures (aggregate) or records (record level) on a page or the API
  kExport,              // download them as CSV / XLSX
  kSetChallengeStatus,  // raise, agree or reject an activity challenge
  kLoadData,            // ingest extracts, load contract plans (CSU-wide: tenant must be empty)
  kManageUsers,         // add, disable, assign users, set policy (CSU-wide)
  kViewAudit,           // read the audit log (CSU-wide)
  kViewBilling,         // a CCG's subscriptions, usage, invoices and cost per head
  kManageBilling,       // catalogue, revenue, renewals, forecast (CSU-wide)
  kManageProcurement,   // a CCG's procurement plan, tenders, bids, moderation, award, publication
  kScoreBids,           // score bids of a tender (only those assigned to the user: procurement store)
  // The CCG's general ledger (docs/ledger.md), appended:
  kViewLedger,          // its trial balance, statements, budget monitoring, aged debt and creditors, journals
  kPostJournal,         // raise a journal (above the threshold it waits for a second person)
  kApproveJournal,      // approve a journal someone else raised
  kManageBudget,        // set and approve budgets, virements, forecast overrides
  kClosePeriod,         // open, close and lock financial periods
  // Continuing healthcare (docs/chc.md), appended:
  kViewChc,             // continuing healthcare cases by pseudonym: caseload, 28-day list, packages, committed cost
  kViewChcIdentifiable, // a CHC case's name, NHS number, date of birth and address (each view audited with its purpose)
  kManageChc,           // record a CHC case's steps: referral, Checklist, DST, decision, packages, reviews
  // Payroll and HR of an employer (docs/payroll.md), appended:
  kViewStaff,              // staff lists (masked), establishment, vacancies, absence, pay runs
  kViewStaffIdentifiable,  // an employee's name, address, date of birth, NI number, bank details (each view audited)
  kManageStaff,            // add and change employees, posts, assignments, absence, transfers
  kRunPayroll,             // calculate a pay run
  kApprovePayroll,         // approve a pay run someone else calculated (it is then final)
  // Primary care contracting (docs/primary-care.md), appended:
  kViewPrimaryCare,     // practices' figures, schemes and claims (a practice: only its own)
  kSubmitClaims,        // claim enhanced-service units and answer the CCG's queries (a practice, for itself)
  kApproveClaims,       // approve, query or reject practices' claims
  kManageSchemes,       // define and change enhanced-service schemes
};
inline constexpr Action kAllActions[] = {
    Action::kView,           Action::kExport,         Action::kSetChallengeStatus, Action::kLoadData,
    Action::kManageUsers,    Action::kViewAudit,      Action::kViewBilling,        Action::kManageBilling,
    Action::kManageProcurement, Action::kScoreBids,   Action::kViewLedger,         Action::kPostJournal,
    Action::kApproveJournal, Action::kManageBudget,   Action::kClosePeriod,        Action::kViewChc,
    Action::kViewChcIdentifiable, Action::kManageChc, Action::kViewStaff, Action::kViewStaffIdentifiable,
    Action::kManageStaff,    Action::kRunPayroll,     Action::kApprovePayroll, Action::kViewPrimaryCare,
    Action::kSubmitClaims,   Action::kApproveClaims,  Action::kManageSchemes};
std::string_view ActionName(Action a);

// Aggregate figures (counts, money, rates; disclosure control applies where
// they leave the tenant) versus record-level (pseudonymised rows: a spell,
// an attendance). CSU-wide actions are checked at kAggregate.
enum class Identifiability : uint8_t { kAggregate, kRecordLevel };
std::string_view IdentifiabilityName(Identifiability i);

// Who is acting, as established by a session or API token (never by a request).
struct Principal {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kCcgViewer;
  OdsCode tenant;                 // own CCG of a CCG role; empty for CSU staff
  std::vector<OdsCode> assigned;  // csu_analyst, csu_procurement, csu_finance: the CCGs assigned to them
  OdsCode practice;               // gp_practice: its practice (in `tenant`); empty for every other role
  // The API token acting, 0 for a session: every audit entry of a token's
  // request names it, so the log says which credential read what.
  int64_t api_token_id = 0;
};

struct Permission {
  bool allowed = false;
  std::string reason;  // why refused (for the audit log, not for the requester); empty when allowed
  explicit operator bool() const { return allowed; }
};

// `tenant` empty means a CSU-wide action (load data, manage users, view
// audit); tenant actions with an empty tenant, and CSU-wide actions with a
// tenant, are refused.
Permission Check(const Principal& who, Action action, const OdsCode& tenant, Identifiability level);

// Whether the matrix grants `role` the action at `level` at all (ignoring
// tenant scope). For pages deciding what links to show.
bool Grants(Role role, Action action, Identifiability level);

// Whether `action` is CSU-wide (takes no tenant).
bool IsCsuWide(Action action);

// The tenants a principal may act on, from the principal alone: the own CCG,
// the assigned CCGs, or for csu_admin every tenant in `all_tenants`.
std::vector<OdsCode> TenantsOf(const Principal& who, const std::vector<OdsCode>& all_tenants);

// The one practice whose claims and figures a principal may see: its own
// for gp_practice (never empty: a practice user without a practice sees
// nothing, and callers refuse), nullopt for every other role (all the
// practices of the tenant). Primary care pages and stores filter by it.
std::optional<OdsCode> PracticeScope(const Principal& who);

}  // namespace csu::tenancy
