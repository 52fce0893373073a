// ChcStore's provider invoices and retrospective claims (chc_store.h; rules
// in docs/chc.md, "Provider invoices" and "Retrospective claims"; tables in
// docs/store-format.md §15). Each change is one transaction.
#include <algorithm>

#include "chc/chc_store.h"
#include "store/sql.h"

namespace csu::chc {
namespace {

std::optional<Date> OptDateOf(const store::SqlStatement& q, int col) {
  if (q.IsNull(col)) return std::nullopt;
  auto d = Date::Parse(q.Text(col));
  if (!d.ok()) return std::nullopt;
  return d.value();
}

}  // namespace

Result<std::vector<int64_t>> ChcStore::StoreInvoices(const std::vector<CheckedInvoice>& checked, const Actor& actor) {
  std::vector<int64_t> ids;
  Status st = store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
        "INSERT INTO provider_invoices(ccg, provider, invoice_ref, case_ref, case_id, period_from, period_to, "
        "amount_pence, expected_pence, outcome, reason, source, checked_at, checked_by) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) RETURNING id"));
    for (const CheckedInvoice& c : checked) {
      ins.Bind(1, c.ccg).Bind(2, c.provider).Bind(3, c.invoice_ref).Bind(4, c.case_ref);
      if (c.case_id) ins.Bind(5, *c.case_id);
      else ins.BindNull(5);
      ins.Bind(6, c.from.ToString()).Bind(7, c.to.ToString()).Bind(8, c.amount.pence());
      if (c.expected) ins.Bind(9, c.expected->pence());
      else ins.BindNull(9);
      ins.Bind(10, c.payable ? "payable" : "queried").Bind(11, c.reason).Bind(12, c.source);
      ins.Bind(13, actor.at).Bind(14, actor.by);
      CSU_ASSIGN_OR_RETURN(id, InsertedId(ins, "checked invoice"));
      ids.push_back(id);
      if (c.case_id)
        if (Status e = AddEvent(*c.case_id, "invoice_checked",
                                c.provider + " " + c.from.ToString() + " to " + c.to.ToString() + " " +
                                    c.amount.ToString() + ": " + (c.payable ? "payable" : "queried, " + c.reason),
                                actor);
            !e.ok())
          return e;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  return ids;
}

Result<std::vector<CheckedInvoice>> ChcStore::Invoices(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT id, ccg, provider, invoice_ref, case_ref, case_id, period_from, period_to, amount_pence, "
      "expected_pence, outcome, reason, source, checked_at, checked_by FROM provider_invoices "
      "WHERE ?1 = '' OR ccg = ?1 ORDER BY id"));
  q.Bind(1, ccg);
  std::vector<CheckedInvoice> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    CheckedInvoice c;
    c.id = q.Int(0), c.ccg = q.Text(1), c.provider = q.Text(2), c.invoice_ref = q.Text(3), c.case_ref = q.Text(4);
    if (!q.IsNull(5)) c.case_id = q.Int(5);
    c.from = OptDateOf(q, 6).value_or(Date()), c.to = OptDateOf(q, 7).value_or(Date());
    c.amount = Money::FromPence(q.Int(8));
    if (!q.IsNull(9)) c.expected = Money::FromPence(q.Int(9));
    c.payable = q.Text(10) == "payable";
    c.reason = q.Text(11), c.source = q.Text(12), c.checked_at = q.Text(13), c.checked_by = q.Text(14);
    out.push_back(std::move(c));
  }
  return out;
}

Result<int64_t> ChcStore::RecordClaim(int64_t case_id, Date received, Date from, Date to,
                                      const std::vector<ClaimCost>& costs, const Actor& actor) {
  if (Status s = CheckClaimCosts(costs, from, to); !s.ok()) return s.error();
  if (costs.empty()) return MakeError("costs", "a claim states the costs paid for the period (at least one)");
  if (received < to) return MakeError("received", "a claim for a past period is received after the period ends");
  int64_t id = 0;
  Status st = store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(c, Need(case_id));
    CSU_ASSIGN_OR_RETURN(ins, db_->Prepare(
        "INSERT INTO retro_claims(case_id, ccg, received_on, period_from, period_to, status, recorded_at, "
        "recorded_by) VALUES (?1,?2,?3,?4,?5,'open',?6,?7) RETURNING id"));
    ins.Bind(1, case_id).Bind(2, c.ccg).Bind(3, received.ToString()).Bind(4, from.ToString())
        .Bind(5, to.ToString()).Bind(6, actor.at).Bind(7, actor.by);
    CSU_ASSIGN_OR_RETURN(new_id, InsertedId(ins, "claim"));
    id = new_id;
    CSU_ASSIGN_OR_RETURN(cost, db_->Prepare(
        "INSERT INTO retro_claim_costs(claim_id, line, cost_from, cost_to, weekly_pence) VALUES (?1,?2,?3,?4,?5)"));
    for (size_t i = 0; i < costs.size(); ++i) {
      cost.Bind(1, id).Bind(2, static_cast<int64_t>(i + 1)).Bind(3, costs[i].from.ToString());
      cost.Bind(4, costs[i].to.ToString()).Bind(5, costs[i].weekly.pence());
      if (Status r = cost.Run(); !r.ok()) return r;
      cost.Reset();
    }
    return AddEvent(case_id, "retro_claim",
                    "claim " + std::to_string(id) + " received " + received.ToString() + " for " + from.ToString() +
                        " to " + to.ToString() + ", costs stated " + StatedCost(costs, from, to).ToString(),
                    actor);
  });
  if (!st.ok()) return st.error();
  return id;
}

Status ChcStore::DecideClaim(int64_t claim_id, Date on, std::optional<std::pair<Date, Date>> eligible,
                             const std::string& reason, const Actor& actor) {
  if (reason.empty()) return MakeError("reason", "a claim is decided with its reasons");
  return store::InWriteTransaction(*db_, kChcWriteLock, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(all, Claims(""));
    auto it = std::find_if(all.begin(), all.end(), [&](const Claim& c) { return c.id == claim_id; });
    if (it == all.end()) return MakeError("claim " + std::to_string(claim_id), "no such claim");
    const Claim& c = *it;
    const std::string where = "claim " + std::to_string(claim_id);
    if (c.status != "open") return MakeError(where, "is decided already (" + c.status + ")");
    if (on < c.received_on) return MakeError(where, "a decision is not dated before the claim was received");
    Money awarded;
    if (eligible) {
      if (eligible->second < eligible->first) return MakeError(where, "the eligible period ends before it starts");
      if (eligible->first < c.from || eligible->second > c.to)
        return MakeError(where, "the eligible period is outside the claim's period " + c.from.ToString() + " to " +
                                    c.to.ToString());
      awarded = StatedCost(c.costs, eligible->first, eligible->second);
    }
    CSU_ASSIGN_OR_RETURN(up, db_->Prepare(
        "UPDATE retro_claims SET status=?2, decided_on=?3, eligible_from=?4, eligible_to=?5, reason=?6, "
        "awarded_pence=?7 WHERE id=?1"));
    up.Bind(1, claim_id).Bind(2, eligible ? "eligible" : "not_eligible").Bind(3, on.ToString());
    if (eligible) up.Bind(4, eligible->first.ToString()).Bind(5, eligible->second.ToString());
    else up.BindNull(4).BindNull(5);
    if (Status r = up.Bind(6, reason).Bind(7, awarded.pence()).Run(); !r.ok()) return r;
    return AddEvent(c.case_id, "retro_claim_decided",
                    "claim " + std::to_string(claim_id) + " " + on.ToString() + ": " +
                        (eligible ? "eligible " + eligible->first.ToString() + " to " + eligible->second.ToString() +
                                        ", awarded " + awarded.ToString()
                                  : std::string("not eligible")) +
                        ": " + reason,
                    actor);
  });
}

Result<std::vector<ChcStore::Claim>> ChcStore::Claims(const std::string& ccg) {
  CSU_ASSIGN_OR_RETURN(q, db_->Prepare(
      "SELECT id, case_id, ccg, status, received_on, period_from, period_to, decided_on, eligible_from, "
      "eligible_to, reason, awarded_pence FROM retro_claims WHERE ?1 = '' OR ccg = ?1 ORDER BY id"));
  q.Bind(1, ccg);
  std::vector<Claim> out;
  while (true) {
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (!row) break;
    Claim c;
    c.id = q.Int(0), c.case_id = q.Int(1), c.ccg = q.Text(2), c.status = q.Text(3);
    c.received_on = OptDateOf(q, 4).value_or(Date());
    c.from = OptDateOf(q, 5).value_or(Date()), c.to = OptDateOf(q, 6).value_or(Date());
    c.decided_on = OptDateOf(q, 7), c.eligible_from = OptDateOf(q, 8), c.eligible_to = OptDateOf(q, 9);
    c.reason = q.Text(10), c.awarded = Money::FromPence(q.Int(11));
    out.push_back(std::move(c));
  }
  CSU_ASSIGN_OR_RETURN(costs, db_->Prepare(
      "SELECT cost_from, cost_to, weekly_pence FROM retro_claim_costs WHERE claim_id = ?1 ORDER BY line"));
  for (Claim& c : out) {
    costs.Bind(1, c.id);
    while (true) {
      CSU_ASSIGN_OR_RETURN(row, costs.Step());
      if (!row) break;
      c.costs.push_back({OptDateOf(costs, 0).value_or(Date()), OptDateOf(costs, 1).value_or(Date()),
                         Money::FromPence(costs.Int(2))});
    }
    costs.Reset();
    c.stated = StatedCost(c.costs, c.from, c.to);
  }
  return out;
}

}  // namespace csu::chc
