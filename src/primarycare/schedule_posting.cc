#include "primarycare/schedule_posting.h"

namespace csu::primarycare {

Result<PostOutcome> PostSchedule(PcStore& store, ledger::LedgerStore& ledger, const Schedule& s,
                                 const ledger::OrgDirectory& orgs, const Actor& actor) {
  const std::string where = "schedule " + s.ccg + " " + s.month.ToString();
  CSU_ASSIGN_OR_RETURN(had, store.FindPosting(s.ccg, s.month));
  if (s.posted || had)
    return MakeError(where, "already posted (journal " + std::to_string(had ? had->journal : s.journal) +
                                "); a schedule posts once: correct it with an adjustment in a later month");
  CSU_ASSIGN_OR_RETURN(entity, ledger.GetEntity(s.ccg));
  CSU_ASSIGN_OR_RETURN(accounts, ledger.Accounts(entity.code));
  CSU_ASSIGN_OR_RETURN(centres, ledger.CostCentres(entity.code));
  CSU_ASSIGN_OR_RETURN(txn, ScheduleJournal(s, accounts, centres));
  PostOutcome out;
  out.total_pence = s.total_pence();
  out.lines = static_cast<int64_t>(s.lines.size());
  // An earlier call that raised the journal and stopped before recording it.
  CSU_ASSIGN_OR_RETURN(month_journals, ledger.Journals(entity.code, s.month.first_day(), s.month.last_day()));
  for (const ledger::Journal& j : month_journals) {
    if (j.txn.code == txn.code && j.kind == ledger::JournalKind::kImport && j.reverses == 0) {
      out.journal = j.number;
      out.batch = j.batch;
      out.pending = !j.posted;
      out.recovered = true;
    }
  }
  if (!out.recovered) {
    const ledger::Actor la{actor.at, actor.by};
    CSU_ASSIGN_OR_RETURN(b, ledger.Raise(entity.code, {txn},
                                         {ledger::JournalKind::kImport, "primary care payment schedule " +
                                                                            s.month.ToString(),
                                          "primary-care schedule"},
                                         orgs, la));
    if (b.numbers.size() != 1) return MakeError(where, "the ledger raised an unexpected number of journals");
    out.journal = b.numbers[0];
    out.batch = b.batch;
    out.pending = b.pending;
  }
  PostedSchedule rec{s.ccg, s.month, out.journal, out.total_pence, out.lines, actor.at, actor.by};
  if (Status r = store.RecordPosting(rec, s.lines); !r.ok()) return r.error();
  return out;
}

}  // namespace csu::primarycare
