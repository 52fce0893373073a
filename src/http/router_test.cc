#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "http/request_parser.h"

namespace csu::http {
namespace {

Request MakeRequest(Method method, std::string_view target) {
  Request r;
  r.method = method;
  r.target = std::string(target);
  auto error = ParseTarget(target, ParserLimits{}, r);
  EXPECT_FALSE(error.has_value()) << target;
  return r;
}

Response Echo(std::string name, const Request& r) {
  std::string body = name;
  for (const auto& [k, v] : r.path_params) body += " " + k + "=" + v;
  return Response::Text(200, body);
}

Router MakeRouter() {
  Router router;
  router.Add(Method::kGet, "/", [](const Request& r) { return Echo("root", r); });
  router.Add(Method::kGet, "/healthz", [](const Request& r) { return Echo("health", r); });
  router.Add(Method::kGet, "/ccg/{ccg}", [](const Request& r) { return Echo("ccg", r); });
  router.Add(Method::kGet, "/ccg/new", [](const Request& r) { return Echo("new", r); });
  router.Add(Method::kPost, "/ccg/{ccg}", [](const Request& r) { return Echo("post", r); });
  router.Add(Method::kGet, "/ccg/{ccg}/contracts/{id}", [](const Request& r) { return Echo("contract", r); });
  return router;
}

TEST(RouterTest, MatchesLiteralAndParameterRoutes) {
  Router router = MakeRouter();
  Request r = MakeRequest(Method::kGet, "/healthz");
  EXPECT_EQ(router.Dispatch(r).body(), "health");
  r = MakeRequest(Method::kGet, "/");
  EXPECT_EQ(router.Dispatch(r).body(), "root");
  r = MakeRequest(Method::kGet, "/ccg/02E/contracts/RTH%20X");
  EXPECT_EQ(router.Dispatch(r).body(), "contract ccg=02E id=RTH X");
  EXPECT_EQ(r.PathParam("id"), "RTH X");
  r = MakeRequest(Method::kPost, "/ccg/02E");
  EXPECT_EQ(router.Dispatch(r).body(), "post ccg=02E");
}

TEST(RouterTest, LiteralSegmentsWinOverParameters) {
  Router router = MakeRouter();
  Request r = MakeRequest(Method::kGet, "/ccg/new");
  EXPECT_EQ(router.Dispatch(r).body(), "new");
  r = MakeRequest(Method::kGet, "/ccg/old");
  EXPECT_EQ(router.Dispatch(r).body(), "ccg ccg=old");
}

TEST(RouterTest, UnknownPathsAre404) {
  Router router = MakeRouter();
  for (std::string_view target : {"/nope", "/healthz/", "/ccg", "/ccg/02E/contracts", "/ccg//contracts/1"}) {
    Request r = MakeRequest(Method::kGet, target);
    Response resp = router.Dispatch(r);
    EXPECT_EQ(resp.status(), 404) << target;
    EXPECT_EQ(resp.Header("Content-Type"), "application/json");
  }
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router = MakeRouter();
  Request r = MakeRequest(Method::kDelete, "/ccg/02E");
  Response resp = router.Dispatch(r);
  EXPECT_EQ(resp.status(), 405);
  EXPECT_EQ(resp.Header("Allow"), "GET, HEAD, POST");
  r = MakeRequest(Method::kPost, "/healthz");
  EXPECT_EQ(router.Dispatch(r).status(), 405);
}

TEST(RouterTest, HeadIsServedByTheGetRoute) {
  Router router = MakeRouter();
  Request r = MakeRequest(Method::kHead, "/healthz");
  EXPECT_EQ(router.Dispatch(r).body(), "health");
}

TEST(RouterTest, RouteTableIsEnumerable) {
  Router router = MakeRouter();
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 6u);
  EXPECT_EQ(routes[5].method, Method::kGet);
  EXPECT_EQ(routes[5].pattern, "/ccg/{ccg}/contracts/{id}");
  EXPECT_EQ(routes[5].param_names, (std::vector<std::string>{"ccg", "id"}));
  EXPECT_EQ(routes[4].method, Method::kPost);
  EXPECT_TRUE(routes[0].param_names.empty());
}

TEST(RouterTest, RefusesBadPatternsAndDuplicates) {
  Router router = MakeRouter();
  auto ok = [](const Request&) { return Response(204); };
  EXPECT_THROW(router.Add(Method::kGet, "healthz", ok), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/a//b", ok), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/a/", ok), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/a/{}", ok), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/a/{x", ok), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/a/x{y}", ok), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/a/{x}/{x}", ok), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/healthz", ok), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/ccg/{other}", ok), std::invalid_argument) << "same shape";
  EXPECT_THROW(router.Add(Method::kGet, "/x", Handler()), std::invalid_argument);
  EXPECT_NO_THROW(router.Add(Method::kPut, "/ccg/{ccg}", ok));
}

TEST(RouterTest, HandlerExceptionsPropagateToTheServer) {
  Router router;
  router.Add(Method::kGet, "/boom", [](const Request&) -> Response { throw std::runtime_error("secret"); });
  Request r = MakeRequest(Method::kGet, "/boom");
  EXPECT_THROW(router.Dispatch(r), std::runtime_error);
}

}  // namespace
}  // namespace csu::http
