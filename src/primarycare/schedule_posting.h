// Posting a CCG's monthly payment schedule to its ledger, once
// (docs/primary-care.md, "Posting to the ledger").
//
// Two databases change: the CCG's ledger gets one balanced journal
// (payment_schedule.h, ScheduleJournal) and primary-care.sqlite records the
// month as posted with its lines. They are separate files, so the order is
// what makes a retry safe: the journal is raised first, carrying the code
// "PCS-<month>"; the record second. A second call for a month already
// recorded is refused. When a crash fell between the two, the next call
// finds the journal by its code in the month and records it instead of
// raising another: the ledger never gets the month twice.
//
// A schedule above the CCG's approval threshold waits in the ledger for a
// second person's approval (`csu ledger approve`), like any other batch; it
// is recorded here as posted either way (the journal exists and the
// schedule cannot change).
#pragma once

#include "ledger/ledger_store.h"
#include "primarycare/payment_schedule.h"

namespace csu::primarycare {

struct PostOutcome {
  int64_t journal = 0;
  int64_t batch = 0;
  bool pending = false;     // waiting for approval in the ledger
  bool recovered = false;   // the journal was found from an interrupted earlier call
  int64_t total_pence = 0;
  int64_t lines = 0;
};

// Refused, changing nothing, when the schedule was posted already, the
// CCG has no ledger here, the month's period is not open, or the chart
// lacks the accounts.
Result<PostOutcome> PostSchedule(PcStore& store, ledger::LedgerStore& ledger, const Schedule& schedule,
                                 const ledger::OrgDirectory& orgs, const Actor& actor);

}  // namespace csu::primarycare
