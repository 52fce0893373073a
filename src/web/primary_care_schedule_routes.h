// Posting a CCG's monthly primary care payment schedule from its page
// (primary_care_routes.cc; docs/primary-care.md, "Posting to the ledger";
// docs/web.md, "Routes"): POST /ccg/{ccg}/primary-care/schedule/post with
// month=YYYY-MM and the form's anti-forgery value, for whoever may raise a
// journal in the CCG's ledger; once; audited.
#pragma once

#include "http/router.h"
#include "web/web_app_impl.h"

namespace csu::web {

void AddPrimaryCareScheduleRoutes(http::Router& router, WebApp::Impl* app);

}  // namespace csu::web
