// Maps (method, path) to a handler. Routes are registered once, at start-up,
// as a method and a pattern of '/'-separated segments where "{name}" matches
// any one non-empty decoded segment: "/api/v1/ccg/{ccg}/contracts/{id}".
//
// The route table is a plain, enumerable list (routes()): the tenant
// isolation test walks every route from the router itself, so a new route
// cannot escape it.
//
// Matching: among routes whose pattern matches the path, a literal segment
// beats a parameter at the first position where they differ ("/ccg/new"
// wins over "/ccg/{id}"). A path that matches some pattern but not with this
// method is 405 with an Allow header; no pattern at all is 404. HEAD is
// served by the GET route (the server drops the body).
//
// Thread-safety: Add() only before the server starts; Dispatch() and
// routes() may then be called from any number of threads at once.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace csu::http {

// A handler reads the request (with path_params set) and returns the
// response. It may throw; the server answers 500 without the message.
using Handler = std::function<Response(const Request&)>;

struct RouteInfo {
  Method method;
  std::string pattern;                   // as registered
  std::vector<std::string> param_names;  // the {names}, in order
};

class Router {
 public:
  // Registers a route. Throws std::invalid_argument for a pattern that does
  // not start with '/', has an empty or malformed "{...}" segment, repeats a
  // parameter name, or duplicates an existing (method, pattern) or the same
  // shape ("/a/{x}" vs "/a/{y}"): these are programming errors found at
  // start-up by any test that builds the router.
  void Add(Method method, const std::string& pattern, Handler handler);

  // Finds the route, sets request.path_params and calls the handler, or
  // answers 404/405. Exceptions from the handler propagate to the caller.
  Response Dispatch(Request& request) const;

  std::vector<RouteInfo> routes() const;

 private:
  struct Segment {
    bool is_param;
    std::string text;  // literal text, or the parameter name
  };
  struct Route {
    RouteInfo info;
    std::vector<Segment> segments;
    Handler handler;
  };

  // True when `route` matches `segments`; `rank` gets one bit per segment,
  // set for literals, most significant first, to prefer literals.
  static bool Matches(const Route& route, const std::vector<std::string>& segments, std::vector<bool>* rank);

  std::vector<Route> routes_;
};

}  // namespace csu::http
