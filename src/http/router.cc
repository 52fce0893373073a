#include "http/router.h"

#include <algorithm>
#include <stdexcept>

namespace csu::http {

void Router::Add(Method method, const std::string& pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  if (!handler) throw std::invalid_argument("route without a handler: " + pattern);
  Route route;
  route.info.method = method;
  route.info.pattern = pattern;
  // "/" is the root and has no segments; otherwise every segment between
  // slashes counts, so "/a/" (a trailing empty segment) is refused.
  std::string_view rest = std::string_view(pattern).substr(1);
  while (pattern.size() > 1) {
    size_t slash = rest.find('/');
    std::string_view text = rest.substr(0, slash);
    bool is_param = !text.empty() && text.front() == '{';
    if (text.empty()) throw std::invalid_argument("empty segment in route: " + pattern);
    if (is_param) {
      std::string_view name = text.substr(1, text.size() - 2);
      if (text.size() < 3 || text.back() != '}' || name.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("malformed parameter segment in route: " + pattern);
      }
      for (const auto& seen : route.info.param_names) {
        if (seen == name) throw std::invalid_argument("repeated parameter name in route: " + pattern);
      }
      route.info.param_names.emplace_back(name);
      text = name;
    } else if (text.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("braces inside a literal segment in route: " + pattern);
    }
    route.segments.push_back(Segment{is_param, std::string(text)});
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  for (const auto& other : routes_) {
    if (other.info.method != method || other.segments.size() != route.segments.size()) continue;
    bool same_shape = true;
    for (size_t i = 0; i < route.segments.size() && same_shape; ++i) {
      const Segment& a = route.segments[i];
      const Segment& b = other.segments[i];
      same_shape = a.is_param == b.is_param && (a.is_param || a.text == b.text);
    }
    if (same_shape) {
      throw std::invalid_argument("route registered twice: " + std::string(MethodName(method)) + " " + pattern);
    }
  }
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

bool Router::Matches(const Route& route, const std::vector<std::string>& segments, std::vector<bool>* rank) {
  if (route.segments.size() != segments.size()) return false;
  rank->clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = route.segments[i];
    if (s.is_param) {
      if (segments[i].empty()) return false;
    } else if (s.text != segments[i]) {
      return false;
    }
    rank->push_back(!s.is_param);
  }
  return true;
}

Response Router::Dispatch(Request& request) const {
  // HEAD is answered by the GET route; the server sends headers only.
  const Method wanted = request.method == Method::kHead ? Method::kGet : request.method;
  const Route* best = nullptr;
  std::vector<bool> best_rank, rank;
  std::vector<Method> allowed;
  for (const auto& route : routes_) {
    if (!Matches(route, request.segments, &rank)) continue;
    allowed.push_back(route.info.method);
    if (route.info.method != wanted) continue;
    if (best == nullptr || rank > best_rank) {
      best = &route;
      best_rank = rank;
    }
  }
  if (best == nullptr) {
    if (allowed.empty()) return Response::Error(404, "no such page");
    // Allow lists each method once, in registration order, and HEAD with GET.
    std::string allow;
    std::vector<Method> listed;
    for (Method m : allowed) {
      if (std::find(listed.begin(), listed.end(), m) != listed.end()) continue;
      listed.push_back(m);
      allow += (allow.empty() ? "" : ", ") + std::string(MethodName(m));
      if (m == Method::kGet) allow += ", HEAD";
    }
    Response r = Response::Error(405, "method not allowed here");
    r.SetHeader("Allow", allow);
    return r;
  }
  request.path_params.clear();
  for (size_t i = 0; i < best->segments.size(); ++i) {
    if (best->segments[i].is_param) request.path_params.emplace_back(best->segments[i].text, request.segments[i]);
  }
  return best->handler(request);
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back(route.info);
  return out;
}

}  // namespace csu::http
