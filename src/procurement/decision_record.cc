#include "procurement/decision_record.h"

namespace csu::procurement {

Result<DecisionFacts> GatherDecisionFacts(ProcurementStore& db, const std::string& ccg, const std::string& tender) {
  DecisionFacts f;
  CSU_ASSIGN_OR_RETURN(t, db.FindTender(ccg, tender));
  f.tender = t;
  CSU_ASSIGN_OR_RETURN(plan, db.FindPlanLine(ccg, t.plan_ref));
  f.plan = plan;
  CSU_ASSIGN_OR_RETURN(in, db.EvaluationInputOf(ccg, tender));
  CSU_ASSIGN_OR_RETURN(ev, Evaluate(in));
  f.evaluation = ev;
  CSU_ASSIGN_OR_RETURN(interests, db.Interests(ccg, tender));
  f.interests = interests;
  CSU_ASSIGN_OR_RETURN(award, db.AwardOf(ccg, tender));
  f.award = award;
  CSU_ASSIGN_OR_RETURN(reps, db.Representations(ccg, tender));
  f.representations = reps;
  CSU_ASSIGN_OR_RETURN(clar, db.Clarifications(ccg, tender));
  f.clarifications = clar;
  return f;
}

std::vector<report::ReportTable> DecisionRecordTables(const DecisionFacts& f) {
  using report::Cell;
  using report::ColumnType;
  std::vector<report::ReportTable> out;

  report::ReportTable decision("Decision", {{"item", ColumnType::kText, "Item"}, {"value", ColumnType::kText, "Value"}});
  auto row = [&](const std::string& k, const std::string& v) { decision.AddRow({Cell::Text(k), Cell::Text(v)}); };
  row("CCG", f.plan.ccg);
  row("Procurement", f.plan.ref + " " + f.plan.title);
  row("Tender", f.tender.id + " " + f.tender.title);
  row("Regime", std::string(RegimeTitle(f.plan.regime)));
  if (f.plan.process != PsrProcess::kNone) {
    row("PSR process", std::string(ProcessName(f.plan.process)));
    row("Reasons for the process", f.plan.reasons);
    row("Key criteria considered", f.plan.key_criteria);
  }
  row("Estimated value", f.plan.value.ToString());
  row("Most advantageous tender", f.evaluation.most_advantageous.empty() ? "none named" : f.evaluation.most_advantageous);
  if (!f.evaluation.tie_note.empty()) row("Tie", f.evaluation.tie_note);
  if (f.award) {
    row("Awarded to bid", f.award->bid);
    row("Award value", f.award->value.ToString());
    row("Notice published", f.award->notice.ToString());
    row("Standstill ends", f.award->standstill_last_day.ToString());
    row("Contract may be entered into from", f.award->contract_from.ToString());
    row("Decided by", f.award->decided_by + " at " + f.award->decided_at);
  }
  out.push_back(std::move(decision));

  report::ReportTable ranking("Ranking", {{"rank", ColumnType::kText, "Rank"},
                                          {"bid", ColumnType::kText, "Bid"},
                                          {"bidder", ColumnType::kText, "Bidder"},
                                          {"price", ColumnType::kMoney, "Price"},
                                          {"quality_social_value", ColumnType::kText, "Quality + social value"},
                                          {"price_score", ColumnType::kText, "Price score"},
                                          {"total", ColumnType::kText, "Total"},
                                          {"total_exact", ColumnType::kText, "Total (exact)"},
                                          {"excluded", ColumnType::kText, "Exclusion ground"}});
  for (const auto& b : f.evaluation.bids)
    ranking.AddRow({Cell::Text(b.excluded ? "-" : std::to_string(b.rank) + (b.tied ? " (tied)" : "")), Cell::Text(b.bid),
                    Cell::Text(b.bidder), Cell::Money(b.price), Cell::Text(b.excluded ? "" : Shown(b.non_price)),
                    Cell::Text(b.excluded ? "" : Shown(b.price_score)), Cell::Text(b.excluded ? "" : Shown(b.total)),
                    Cell::Text(b.excluded ? "" : b.total.ToFraction()), Cell::Text(b.exclusion_ground)});
  ranking.notes.push_back("Shown to 2 decimal places, half away from zero; ranking uses the exact values.");
  out.push_back(std::move(ranking));

  report::ReportTable scores("Scores", {{"bid", ColumnType::kText, "Bid"},
                                        {"criterion", ColumnType::kText, "Criterion"},
                                        {"weight", ColumnType::kInteger, "Weight"},
                                        {"evaluators", ColumnType::kText, "Evaluators' scores"},
                                        {"agreed", ColumnType::kInteger, "Agreed"},
                                        {"moved", ColumnType::kText, "Moved"},
                                        {"reason", ColumnType::kText, "Reason"},
                                        {"weighted", ColumnType::kText, "Weighted"}});
  for (const auto& b : f.evaluation.bids)
    for (const auto& c : b.criteria) {
      std::string given;
      for (const auto& [e, s] : c.evaluator_scores) given += (given.empty() ? "" : ", ") + e + " " + std::to_string(s);
      scores.AddRow({Cell::Text(b.bid), Cell::Text(c.criterion), Cell::Integer(c.weight), Cell::Text(given),
                     Cell::Integer(c.agreed), Cell::Text(c.moved ? "yes" : "no"), Cell::Text(c.reason),
                     Cell::Text(Shown(c.weighted))});
    }
  out.push_back(std::move(scores));

  report::ReportTable steps("Arithmetic", {{"step", ColumnType::kInteger, "Step"}, {"text", ColumnType::kText, "Working"}});
  int64_t n = 0;
  for (const auto& s : f.evaluation.steps) steps.AddRow({Cell::Integer(++n), Cell::Text(s)});
  out.push_back(std::move(steps));

  report::ReportTable interests("Declarations", {{"person", ColumnType::kText, "Person"},
                                                 {"interest", ColumnType::kText, "Interest"},
                                                 {"conflict", ColumnType::kText, "Conflict"},
                                                 {"management", ColumnType::kText, "How managed"},
                                                 {"declared_at", ColumnType::kText, "Declared"}});
  for (const auto& i : f.interests)
    interests.AddRow({Cell::Text(i.person), Cell::Text(i.interest), Cell::Text(i.conflict ? "yes" : "no"),
                      Cell::Text(i.management), Cell::Text(i.declared_at)});
  out.push_back(std::move(interests));

  report::ReportTable reps("Representations", {{"seq", ColumnType::kInteger, "No."},
                                               {"from", ColumnType::kText, "From"},
                                               {"received_date", ColumnType::kText, "Received"},
                                               {"summary", ColumnType::kText, "Summary"},
                                               {"outcome", ColumnType::kText, "Outcome"}});
  for (const auto& r : f.representations)
    reps.AddRow({Cell::Integer(r.seq), Cell::Text(r.from), Cell::Text(r.received.ToString()), Cell::Text(r.summary),
                 Cell::Text(r.outcome.empty() ? "awaiting" : r.outcome)});
  out.push_back(std::move(reps));
  out.push_back(ClarificationsTable(f.clarifications, true));
  return out;
}

report::ReportTable ClarificationsTable(const std::vector<Clarification>& cs, bool name_asker) {
  using report::Cell;
  using report::ColumnType;
  std::vector<report::Column> cols = {{"seq", ColumnType::kInteger, "No."}};
  if (name_asker) cols.push_back({"asked_by", ColumnType::kText, "Asked by"});
  for (report::Column c : std::vector<report::Column>{{"received_date", ColumnType::kText, "Received"},
                                                      {"question", ColumnType::kText, "Question"},
                                                      {"answer", ColumnType::kText, "Answer"},
                                                      {"answered_date", ColumnType::kText, "Answered"},
                                                      {"answered_by", ColumnType::kText, "Answered by"},
                                                      {"shared", ColumnType::kText, "Shared with"}})
    cols.push_back(std::move(c));
  report::ReportTable t("Clarifications", std::move(cols));
  for (const auto& c : cs) {
    std::vector<Cell> row = {Cell::Integer(c.seq)};
    if (name_asker) row.push_back(Cell::Text(c.asked_by));
    const bool answered = !c.answer.empty();
    row.push_back(Cell::Text(c.received.ToString()));
    row.push_back(Cell::Text(c.question));
    row.push_back(Cell::Text(answered ? c.answer : "awaiting an answer"));
    row.push_back(Cell::Text(c.answered ? c.answered->ToString() : ""));
    row.push_back(Cell::Text(c.answered_by));
    row.push_back(Cell::Text(!answered ? "" : c.published ? "all bidders" : "the asker only"));
    t.AddRow(std::move(row));
  }
  if (!name_asker) t.notes.push_back("Answers shared with all bidders do not name who asked.");
  return t;
}

}  // namespace csu::procurement
