// The CSU's invoices in the ledgers (docs/ledger.md, "Invoices, receipts and
// payments"): how an issued invoice or credit note of billing becomes one
// journal in the CSU's ledger (receivable, income by catalogue function,
// output VAT) and one in the CCG's, when its ledger is kept here (payable,
// running-cost expenditure on CSU services, VAT as the CCG's chart has it),
// and how a receipt or payment settling one is written.
//
// This module sits above billing and the ledger, which know nothing of each
// other (docs/architecture.md). Pure functions over values: the CLI posts
// what they return with LedgerStore::Raise, and the document link it
// carries makes a second posting of the same invoice a refusal that the
// CLI reports as "already posted".
#pragma once

#include <string>
#include <vector>

#include "billing/catalogue.h"
#include "billing/invoice.h"
#include "core/result.h"
#include "ledger/ledger_store.h"

namespace csu::finance {

struct Posting {
  ledger::Transaction txn;
  ledger::DocumentLink link;
};

// The accounts the postings use (the shipped charts' names; a chart that
// lacks one refuses the posting, naming it).
inline constexpr const char* kReceivables = "assets:current:receivables:nhs";
inline constexpr const char* kPayables = "liabilities:current:payables:nhs";
inline constexpr const char* kOutputVat = "liabilities:current:vat:output";
inline constexpr const char* kInputVat = "assets:current:vat-recoverable";
inline constexpr const char* kCash = "assets:current:cash:gbs";
inline constexpr const char* kPackageIncome = "income:services:packages";
inline constexpr const char* kCsuServices = "expenses:running-costs:csu-services";

// The CSU's income account for a catalogue function: "income:services:" and
// the function with '_' written '-' ("contracts_management" →
// "income:services:contracts-management").
std::string IncomeAccount(const std::string& function);

// The journal of issued document `inv` in the CSU's ledger (`csu`: its ODS
// code), dated the document's date (its tax point): receivables Dr the
// total, each line's net Cr to the income account of its item's function
// (packages to income:services:packages), summed per account, VAT Cr to
// output VAT. A credit note is the same with every sign turned. `chart` is
// the CSU ledger's accounts; `catalogue` the billing catalogue.
Result<Posting> SellerPosting(const billing::Invoice& inv, const billing::Catalogue& catalogue,
                              const std::vector<ledger::Account>& chart, const std::string& csu);

// The journal of `inv` in the CCG's ledger: CSU services Dr the net (and the
// VAT too when the chart has no input VAT account, as the shipped CCG chart
// has none: the VAT is then a cost), input VAT Dr when it has one, payables
// Cr the total, the counterparty the CSU.
Result<Posting> BuyerPosting(const billing::Invoice& inv, const std::vector<ledger::Account>& chart,
                             const std::string& csu);

// A receipt (side receivable: cash Dr, receivables Cr) or payment (side
// payable: payables Dr, cash Cr) of `amount` (> 0) on `on` against invoice
// `invoice` owed by or to `counterparty`, under `reference` (unique in the
// ledger: the bank's reference, say).
Result<Posting> Settlement(ledger::DocumentSide side, const std::string& reference, const std::string& invoice,
                           const std::string& counterparty, Money amount, Date on,
                           const std::vector<ledger::Account>& chart);

}  // namespace csu::finance
