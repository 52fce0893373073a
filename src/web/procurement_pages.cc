// The procurement pages and their JSON twins (docs/web.md, "Procurement"):
//   /ccg/{ccg}/procurement                       the CCG's tenders (procurement team) and
//                                                the tenders the user evaluates
//   /ccg/{ccg}/procurement/{tender}/evaluation   an evaluator's bids and own scores
//   /ccg/{ccg}/procurement/{tender}/record       the decision record, printable
//                                                (procurement team only)
// Every user who may score bids (every role but administrators) reaches the
// first page for a CCG in their scope; only the procurement team sees the
// CCG's tender list. An evaluator sees only the bids assigned to them, never
// their prices (quality is scored without them) and never another
// evaluator's scores; a tender they are not assigned to answers as a
// missing one.
#include "procurement/decision_record.h"
#include "report/render.h"
#include "web/templates.h"
#include "web/web_app_impl.h"

namespace csu::web {

using nlohmann::json;

namespace {

// Runs `fn` on the procurement database for the pages of `ccg`: through
// the application role's connection when the server has one (only that
// CCG's rows visible), else on the shared store.
template <typename T, typename F>
Result<T> WithProcurement(const ProcurementAccess& access, const std::string& ccg, F&& fn) {
  if (!access.with_store) return MakeError("procurement", "no procurement database");
  std::optional<T> out;
  auto body = [&](procurement::ProcurementStore& db) -> Status {
    Result<T> r = fn(db);
    if (!r.ok()) return r.error();
    out = std::move(r).value();
    return Status::Ok();
  };
  Status s = access.with_tenant_store ? access.with_tenant_store(ccg, body) : access.with_store(body);
  if (!s.ok()) return s.error();
  return std::move(*out);
}

// The clarifications as the team's page shows them: never who asked (the
// published answers are shared without naming the asker, and the page is
// one a bidder's answer may be copied from).
json ClarificationsJson(const std::vector<procurement::Clarification>& cs) {
  json out = json::array();
  for (const auto& c : cs)
    out.push_back({{"seq", c.seq},
                   {"received", c.received.ToString()},
                   {"question", c.question},
                   {"answer", c.answer},
                   {"answered", c.answered ? c.answered->ToString() : ""},
                   {"answered_by", c.answered_by},
                   {"published", !c.answer.empty() && c.published}});
  return out;
}

// One tender's decision record: the tables, or why there are none yet.
struct RecordView {
  procurement::Tender tender;
  std::vector<report::ReportTable> tables;
  std::string unavailable;  // set while the scores are sealed
};

Result<std::optional<RecordView>> LoadRecord(const ProcurementAccess& access, const std::string& ccg,
                                             const std::string& tender) {
  return WithProcurement<std::optional<RecordView>>(
      access, ccg, [&](procurement::ProcurementStore& db) -> Result<std::optional<RecordView>> {
        auto t = db.FindTender(ccg, tender);
        if (!t.ok()) return std::optional<RecordView>();  // another CCG's or none: not found
        RecordView v;
        v.tender = t.value();
        if (v.tender.status == procurement::TenderStatus::kOpen) {
          v.unavailable = "Scores are sealed while the tender is open: the decision record is available once "
                          "moderation has opened.";
          CSU_ASSIGN_OR_RETURN(cs, db.Clarifications(ccg, tender));
          v.tables.push_back(procurement::ClarificationsTable(cs, true));
          return std::optional<RecordView>(std::move(v));
        }
        CSU_ASSIGN_OR_RETURN(f, procurement::GatherDecisionFacts(db, ccg, tender));
        v.tables = procurement::DecisionRecordTables(f);
        return std::optional<RecordView>(std::move(v));
      });
}

}  // namespace

Result<json> WebApp::Impl::ProcurementOf(const OdsCode& ccg, const Caller& c) const {
  const std::string code(ccg.view());
  const bool manage =
      tenancy::Check(c.who, Action::kManageProcurement, ccg, Identifiability::kAggregate).allowed;
  return WithProcurement<json>(procurement, code, [&](procurement::ProcurementStore& db) -> Result<json> {
    json out = {{"ccg", code}, {"tenders", json::array()}, {"evaluating", json::array()}};
    if (manage) {
      CSU_ASSIGN_OR_RETURN(tenders, db.Tenders(code));
      for (const auto& t : tenders) {
        CSU_ASSIGN_OR_RETURN(bids, db.Bids(code, t.id));
        CSU_ASSIGN_OR_RETURN(cs, db.Clarifications(code, t.id));
        out["tenders"].push_back({{"id", t.id},
                                  {"title", t.title},
                                  {"plan", t.plan_ref},
                                  {"status", procurement::StatusName(t.status)},
                                  {"bid_deadline", t.bid_deadline.ToString()},
                                  {"bids", bids.size()},
                                  {"record", "/ccg/" + code + "/procurement/" + UrlEncode(t.id) + "/record"},
                                  {"clarifications", ClarificationsJson(cs)}});
      }
    }
    CSU_ASSIGN_OR_RETURN(mine, db.TendersEvaluatedBy(code, c.who.username));
    for (const auto& id : mine) {
      CSU_ASSIGN_OR_RETURN(t, db.FindTender(code, id));
      out["evaluating"].push_back({{"id", t.id}, {"title", t.title}, {"status", procurement::StatusName(t.status)}});
    }
    return out;
  });
}

Result<std::optional<json>> WebApp::Impl::EvaluationOf(const OdsCode& ccg, const std::string& tender,
                                                       const Caller& c) const {
  const std::string code(ccg.view());
  return WithProcurement<std::optional<json>>(
      procurement, code, [&](procurement::ProcurementStore& db) -> Result<std::optional<json>> {
        auto t = db.FindTender(code, tender);
        if (!t.ok()) return std::optional<json>();  // another CCG's or none: not found
        CSU_ASSIGN_OR_RETURN(bids, db.AssignedBids(code, tender, c.who.username));
        if (bids.empty()) return std::optional<json>();  // not an evaluator of this tender
        CSU_ASSIGN_OR_RETURN(scores, db.OwnScores(code, tender, c.who.username));
        json out = {{"ccg", code},
                    {"tender", {{"id", t.value().id}, {"title", t.value().title},
                                {"status", procurement::StatusName(t.value().status)}}},
                    {"evaluator", c.who.username},
                    {"bids", json::array()},
                    {"criteria", json::array()},
                    {"scale", json::array()},
                    {"scores", json::array()}};
        for (const auto& b : bids) out["bids"].push_back({{"id", b.bid.id}, {"bidder", b.bid.bidder}});
        if (t.value().criteria) {
          for (const auto& s : t.value().criteria->subs)
            out["criteria"].push_back({{"id", s.id}, {"name", s.name}, {"weight", s.weight}});
          for (const auto& l : t.value().criteria->scale)
            out["scale"].push_back({{"score", l.score}, {"descriptor", l.descriptor}});
        }
        for (const auto& s : scores)
          out["scores"].push_back(
              {{"bid", s.bid}, {"criterion", s.criterion}, {"score", s.score}, {"comment", s.comment}});
        return std::optional<json>(out);
      });
}

Response WebApp::Impl::ProcurementPage(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kScoreBids, Identifiability::kAggregate);
  if (!ccg || !procurement.with_store) return NotFound(c);
  auto data = ProcurementOf(*ccg, c);
  if (!data.ok()) return Problem(c, 500, "Procurement", "the procurement database could not be read");
  const std::string code(ccg->view());
  PageFrame f = Frame(c, "Procurement", CcgName(*ccg) + " (" + code + ")");
  f.nav = CcgNav(c, *ccg, "procurement");
  TemplateData d;
  d.set("json_href", "/api/v1/ccg/" + code + "/procurement");
  using report::Cell;
  using report::ColumnType;
  if (!data.value()["tenders"].empty()) {
    report::ReportTable t("Tenders", {{"id", ColumnType::kText, "Tender"},
                                      {"title", ColumnType::kText, "Title"},
                                      {"plan", ColumnType::kText, "Plan line"},
                                      {"status", ColumnType::kText, "Status"},
                                      {"bid_deadline_date", ColumnType::kText, "Bids by"},
                                      {"bids", ColumnType::kInteger, "Bids"}});
    for (const auto& x : data.value()["tenders"])
      t.AddRow({Cell::Text(x["id"]), Cell::Text(x["title"]), Cell::Text(x["plan"]), Cell::Text(x["status"]),
                Cell::Text(x["bid_deadline"]), Cell::Integer(x["bids"].get<int64_t>())});
    d.set("tenders_html", TableHtml(t));
    // Each tender: a link to its decision record and its clarification log.
    TemplateData tenders{TemplateData::type::list};
    for (const auto& x : data.value()["tenders"]) {
      TemplateData item;
      item.set("id", x["id"].get<std::string>());
      item.set("title", x["title"].get<std::string>());
      item.set("record_href", x["record"].get<std::string>());
      report::ReportTable ct("Clarifications: " + x["id"].get<std::string>(),
                             {{"seq", ColumnType::kInteger, "No."},
                              {"received_date", ColumnType::kText, "Received"},
                              {"question", ColumnType::kText, "Question"},
                              {"answer", ColumnType::kText, "Answer"},
                              {"answered_date", ColumnType::kText, "Answered"},
                              {"answered_by", ColumnType::kText, "Answered by"},
                              {"shared", ColumnType::kText, "Shared with"}});
      for (const auto& q : x["clarifications"]) {
        const bool answered = !q["answer"].get<std::string>().empty();
        ct.AddRow({Cell::Integer(q["seq"].get<int64_t>()), Cell::Text(q["received"]), Cell::Text(q["question"]),
                   Cell::Text(answered ? q["answer"].get<std::string>() : "awaiting an answer"),
                   Cell::Text(q["answered"]), Cell::Text(q["answered_by"]),
                   Cell::Text(!answered ? "" : q["published"].get<bool>() ? "all bidders" : "the asker only")});
      }
      if (!ct.rows.empty()) item.set("clarifications_html", TableHtml(ct));
      tenders.push_back(item);
    }
    d.set("tender_items", tenders);
  }
  TemplateData items{TemplateData::type::list};
  for (const auto& x : data.value()["evaluating"]) {
    TemplateData item;
    item.set("href", "/ccg/" + code + "/procurement/" + UrlEncode(x["id"].get<std::string>()) + "/evaluation");
    item.set("id", x["id"].get<std::string>());
    item.set("title", x["title"].get<std::string>());
    item.set("status", x["status"].get<std::string>());
    items.push_back(item);
  }
  if (items.is_non_empty_list()) {
    TemplateData evaluating;
    evaluating.set("items", items);
    d.set("evaluating", evaluating);
  }
  const std::string body = RenderTemplate("procurement", d);
  return Response::Html(200, RenderPage(f, body));
}

Response WebApp::Impl::ApiProcurement(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kScoreBids, Identifiability::kAggregate);
  if (!ccg || !procurement.with_store) return ApiNotFound();
  auto data = ProcurementOf(*ccg, c);
  if (!data.ok()) return Response::Error(500, "the procurement database could not be read");
  return Response::Json(200, data.value().dump());
}

Response WebApp::Impl::EvaluationPage(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kScoreBids, Identifiability::kAggregate);
  if (!ccg || !procurement.with_store) return NotFound(c);
  const std::string tender(r.PathParam("tender"));
  auto data = EvaluationOf(*ccg, tender, c);
  if (!data.ok()) return Problem(c, 500, "Evaluation", "the procurement database could not be read");
  if (!data.value()) return NotFound(c);
  const json& j = *data.value();
  const std::string code(ccg->view());
  const std::string d_status = j["tender"]["status"].get<std::string>();
  PageFrame f = Frame(c, "Evaluation of " + tender, j["tender"]["title"].get<std::string>());
  f.nav = CcgNav(c, *ccg, "procurement");
  using report::Cell;
  using report::ColumnType;
  report::ReportTable scale("Scale", {{"score", ColumnType::kInteger, "Score"}, {"descriptor", ColumnType::kText, "Meaning"}});
  for (const auto& l : j["scale"]) scale.AddRow({Cell::Integer(l["score"].get<int64_t>()), Cell::Text(l["descriptor"])});
  report::ReportTable mine("Your scores", {{"bid", ColumnType::kText, "Bid"},
                                           {"bidder", ColumnType::kText, "Bidder"},
                                           {"criterion", ColumnType::kText, "Criterion"},
                                           {"weight", ColumnType::kInteger, "Weight"},
                                           {"score", ColumnType::kText, "Your score"},
                                           {"comment", ColumnType::kText, "Your comment"}});
  for (const auto& b : j["bids"])
    for (const auto& cr : j["criteria"]) {
      std::string score = "not scored", comment;
      for (const auto& s : j["scores"])
        if (s["bid"] == b["id"] && s["criterion"] == cr["id"]) {
          score = std::to_string(s["score"].get<int64_t>());
          comment = s["comment"];
        }
      mine.AddRow({Cell::Text(b["id"]), Cell::Text(b["bidder"]),
                   Cell::Text(cr["id"].get<std::string>() + " " + cr["name"].get<std::string>()),
                   Cell::Integer(cr["weight"].get<int64_t>()), Cell::Text(score), Cell::Text(comment)});
    }
  TemplateData d;
  d.set("json_href", "/api/v1/ccg/" + code + "/procurement/" + UrlEncode(tender) + "/evaluation");
  d.set("status", d_status);
  d.set("scale_html", TableHtml(scale));
  d.set("scores_html", TableHtml(mine));
  const std::string body = RenderTemplate("procurement_evaluation", d);
  return Response::Html(200, RenderPage(f, body));
}

Response WebApp::Impl::ApiEvaluation(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kScoreBids, Identifiability::kAggregate);
  if (!ccg || !procurement.with_store) return ApiNotFound();
  auto data = EvaluationOf(*ccg, std::string(r.PathParam("tender")), c);
  if (!data.ok()) return Response::Error(500, "the procurement database could not be read");
  if (!data.value()) return ApiNotFound();
  return Response::Json(200, data.value()->dump());
}

Response WebApp::Impl::RecordPage(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kManageProcurement, Identifiability::kAggregate);
  if (!ccg || !procurement.with_store) return NotFound(c);
  const std::string code(ccg->view());
  const std::string tender(r.PathParam("tender"));
  auto view = LoadRecord(procurement, code, tender);
  if (!view.ok()) return Problem(c, 500, "Decision record", "the procurement database could not be read");
  if (!view.value()) return NotFound(c);
  const RecordView& v = *view.value();
  PageFrame f = Frame(c, "Decision record: " + v.tender.id, v.tender.title);
  f.nav = CcgNav(c, *ccg, "procurement");
  TemplateData d;
  d.set("json_href", "/api/v1/ccg/" + code + "/procurement/" + UrlEncode(tender) + "/record");
  d.set("back_href", "/ccg/" + code + "/procurement");
  d.set("ccg", code);
  d.set("tender", v.tender.id);
  d.set("status", std::string(procurement::StatusName(v.tender.status)));
  if (!v.unavailable.empty()) d.set("unavailable", v.unavailable);
  TemplateData sections{TemplateData::type::list};
  for (const auto& t : v.tables) {
    TemplateData s;
    s.set("table_html", TableHtml(t));
    sections.push_back(s);
  }
  d.set("sections", sections);
  return Response::Html(200, RenderPage(f, RenderTemplate("procurement_record", d)));
}

Response WebApp::Impl::ApiRecord(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kManageProcurement, Identifiability::kAggregate);
  if (!ccg || !procurement.with_store) return ApiNotFound();
  const std::string code(ccg->view());
  auto view = LoadRecord(procurement, code, std::string(r.PathParam("tender")));
  if (!view.ok()) return Response::Error(500, "the procurement database could not be read");
  if (!view.value()) return ApiNotFound();
  const RecordView& v = *view.value();
  json out = {{"ccg", code},
              {"tender", {{"id", v.tender.id}, {"title", v.tender.title},
                          {"status", procurement::StatusName(v.tender.status)}}},
              {"available", v.unavailable.empty()},
              {"tables", report::RenderJson(v.tables)}};
  if (!v.unavailable.empty()) out["why"] = v.unavailable;
  return Response::Json(200, out.dump());
}

}  // namespace csu::web
