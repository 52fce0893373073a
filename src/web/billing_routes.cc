// The billing pages (docs/billing.md, "Views") and the metering of every
// request a CCG's own user is served ("Metering").
#include "web/web_app_impl.h"

namespace csu::web {

Date WebApp::Impl::Today() const {
  if (billing.today) return billing.today();
  return store::Env::Default().TodayUk();
}

Response WebApp::Impl::Metered(const Request& r, const Caller& c, bool api, Use use, Response response) const {
  if (use == Use::kNone || billing.meter == nullptr || response.status() != 200 || r.method != Method::kGet) {
    return response;
  }
  auto code = OdsCode::Parse(r.PathParam("ccg"));
  if (!code.ok() || c.who.tenant != code.value()) return response;
  const std::string ccg(code.value().view());
  const billing::Period period = billing::Period::Of(Today());
  auto fail = [&](const Error&) {  // its text names only the database file
    return api ? Response::Error(503, "usage could not be recorded; try again")
               : Problem(c, 503, "Not available",
                         "Usage could not be recorded, so this page is withheld. "
                         "Please try again.");
  };
  const std::string key = "active:" + std::to_string(c.who.user_id) + ":" + ccg + ":" + period.ToString();
  bool counted;
  {
    std::lock_guard<std::mutex> lock(active_mu);
    counted = active_counted.count(key) != 0;
  }
  if (!counted) {
    auto once = billing.meter->CountOnce(key, ccg, period, "active_users", "", 1, store::Env::Default().NowUtc(),
                                         c.who.username);
    if (!once.ok()) return fail(once.error());
    std::lock_guard<std::mutex> lock(active_mu);
    active_counted.insert(key);
  }
  std::vector<billing::Meter::Tally> tallies;
  switch (use) {
    case Use::kExport:
      tallies.push_back({"exports", std::string(r.PathParam("view")) + "." + std::string(r.PathParam("format")), 1});
      break;
    case Use::kView: tallies.push_back({"reports_run", std::string(r.PathParam("view")), 1}); break;
    case Use::kRecords: tallies.push_back({"reports_run", "records", 1}); break;
    case Use::kPack: tallies.push_back({"reports_run", "challenge-pack", 1}); break;
    case Use::kPackExport: tallies.push_back({"exports", "challenge-pack.xlsx", 1}); break;
    case Use::kNone:
    case Use::kPage: break;
  }
  if (api) tallies.push_back({"api_calls", "", 1});
  if (!tallies.empty()) {
    if (Status s = billing.meter->CountAll(ccg, period, tallies); !s.ok()) return fail(s.error());
  }
  return response;
}

Result<billing::CcgBilling> WebApp::Impl::CcgBillingOf(const OdsCode& ccg) const {
  return WithCcgBilling<billing::CcgBilling>(
      ccg, [&](billing::BillingStore& db) { return billing::CcgBillingFor(db, ref, std::string(ccg.view()), Today()); });
}

Response WebApp::Impl::CcgBillingPage(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kViewBilling, Identifiability::kAggregate);
  if (!ccg || !billing.with_store) return NotFound(c);
  auto b = CcgBillingOf(*ccg);
  if (!b.ok()) return Problem(c, 500, "Billing", "the billing database could not be read");
  PageFrame f = Frame(c, "Billing", CcgName(*ccg) + " (" + std::string(ccg->view()) + ")");
  f.nav = CcgNav(c, *ccg, "billing");
  std::string body = "<div class=\"actions\"><a href=\"/api/v1/ccg/" + std::string(ccg->view()) +
                     "/billing\">This page as JSON</a></div>\n" + CcgBillingHtml(b.value());
  return Response::Html(200, RenderPage(f, body));
}

Response WebApp::Impl::ApiCcgBilling(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kViewBilling, Identifiability::kAggregate);
  if (!ccg || !billing.with_store) return ApiNotFound();
  auto b = CcgBillingOf(*ccg);
  if (!b.ok()) return Response::Error(500, "the billing database could not be read");
  return Response::Json(200, CcgBillingJson(b.value()).dump());
}

Result<std::optional<billing::Invoice>> WebApp::Impl::DocumentOf(const OdsCode& ccg, const std::string& number) const {
  return WithCcgBilling<std::optional<billing::Invoice>>(
      ccg, [&](billing::BillingStore& db) -> Result<std::optional<billing::Invoice>> {
        CSU_ASSIGN_OR_RETURN(doc, db.Document(number));
        if (!doc || doc->ccg != ccg.view()) return std::optional<billing::Invoice>();
        return doc;
      });
}

Response WebApp::Impl::InvoicePage(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kViewBilling, Identifiability::kAggregate);
  if (!ccg || !billing.with_store) return NotFound(c);
  auto doc = DocumentOf(*ccg, std::string(r.PathParam("number")));
  if (!doc.ok()) return Problem(c, 500, "Billing", "the billing database could not be read");
  if (!doc.value()) return NotFound(c);
  // A document of its own, made to print: the invoice's style sheet, not
  // the application's frame.
  return Response::Html(200, billing::InvoiceHtml(*doc.value(), "/static/invoice.css"));
}

Response WebApp::Impl::ApiInvoice(const Request& r, const Caller& c) const {
  auto ccg = Tenant(r, c, Action::kViewBilling, Identifiability::kAggregate);
  if (!ccg || !billing.with_store) return ApiNotFound();
  auto doc = DocumentOf(*ccg, std::string(r.PathParam("number")));
  if (!doc.ok()) return Response::Error(500, "the billing database could not be read");
  if (!doc.value()) return ApiNotFound();
  return Response::Json(200, billing::CanonicalJson(*doc.value()));
}

Result<billing::CsuBilling> WebApp::Impl::CsuBillingOf(const Request& r) const {
  billing::CsuBillingOptions o;
  o.today = Today();
  if (auto as_of = r.Query("as_of")) {
    if (auto d = Date::Parse(*as_of); d.ok()) o.as_of = d.value();
  }
  return WithBilling<billing::CsuBilling>(
      [&](billing::BillingStore& db) { return billing::CsuBillingFor(db, ref, o); });
}

Response WebApp::Impl::CsuBillingPage(const Request& r, const Caller& c) const {
  if (!CsuWide(c, Action::kManageBilling) || !billing.with_store) return NotFound(c);
  auto b = CsuBillingOf(r);
  if (!b.ok()) return Problem(c, 500, "Billing", "the billing database could not be read");
  PageFrame f =
      Frame(c, "Billing",
            "Revenue to " + b.value().through.Name() + "; renewals and forecast from " + b.value().as_of.ToString());
  f.nav = CsuNav(c, "billing");
  const std::string body =
      "<div class=\"actions\"><a href=\"/api/v1/billing\">This page as JSON</a></div>\n" +
      CsuBillingHtml(b.value(), CsrfTokenFor(c.session_token), std::string(r.Query("done").value_or("")));
  return Response::Html(200, RenderPage(f, body));
}

Response WebApp::Impl::ApiCsuBilling(const Request& r, const Caller& c) const {
  if (!CsuWide(c, Action::kManageBilling) || !billing.with_store) return ApiNotFound();
  auto b = CsuBillingOf(r);
  if (!b.ok()) return Response::Error(500, "the billing database could not be read");
  return Response::Json(200, CsuBillingJson(b.value()).dump());
}

Response WebApp::Impl::CataloguePrice(const Request& r, const Caller& c) const {
  if (!CsuWide(c, Action::kManageBilling) || !billing.with_store) return NotFound(c);
  if (!CsrfOk(r, c)) return Problem(c, 403, "Refused", "The form had expired; go back and try again.");
  const auto form = ParseForm(r.body);
  const std::string code = FormValue(form, "code");
  const std::string price_text = FormValue(form, "price");
  const std::string from_text = FormValue(form, "from");
  auto price = Money::Parse(price_text);
  auto from = Date::Parse(from_text);
  std::string problem;
  if (!price.ok() || price.value().pence() < 0)
    problem = "The price must be pounds and pence, such as 4.25.";
  else if (!from.ok() || from.value().day() != 1)
    problem = "A price takes effect on the first day of a month.";
  billing::ItemVersion added;
  if (problem.empty()) {
    Status s = billing.with_store([&](billing::BillingStore& db) -> Status {
      CSU_ASSIGN_OR_RETURN(catalogue, db.LoadCatalogue());
      const billing::ItemVersion* base = catalogue.InForce(code, from.value());
      if (!base) return MakeError(code, "is not in the catalogue on that date");
      added = *base;
      added.price = price.value();
      added.effective_from = from.value();
      CSU_ASSIGN_OR_RETURN(n, db.AddVersions({added}, {store::Env::Default().NowUtc(), c.who.username}));
      if (n == 0) return MakeError(code, "already has this price from that date");
      return Status::Ok();
    });
    if (!s.ok()) problem = code + ": " + s.error().why + ".";
  }
  if (!problem.empty()) {
    auto b = CsuBillingOf(r);
    PageFrame f = Frame(c, "Billing", "Revenue, renewals and the service catalogue");
    f.nav = CsuNav(c, "billing");
    std::string body = NoticePanel(problem, true);
    if (b.ok()) body += CsuBillingHtml(b.value(), CsrfTokenFor(c.session_token), "");
    return Response::Html(400, RenderPage(f, body));
  }
  if (!Audit(c, "billing.catalogue.price", added.code,
             {{"price_pence", added.price.pence()}, {"effective_from", added.effective_from.ToString()}})
           .ok())
    return Problem(c, 503, "Not recorded", "The price was added but the audit log could not be written.");
  return Redirect(
      "/billing?done=" +
      UrlEncode(added.code + " costs " + added.price.ToString() + " from " + added.effective_from.ToString()) +
      "#catalogue");
}

}  // namespace csu::web
