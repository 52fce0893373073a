#include "web/refusal_audit.h"

#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>

namespace csu::web {

RefusalAuditLimiter::RefusalAuditLimiter(AuditFn inner, tenancy::Clock& clock, RefusalLimits limits)
    : inner_(std::move(inner)), clock_(clock), limits_(limits) {}

RefusalAuditLimiter::~RefusalAuditLimiter() { (void)Flush(); }

AuditFn RefusalAuditLimiter::AsAuditFn() {
  return [this](const std::string& actor, const std::string& action, const std::string& subject,
                const std::string& details) { return Audit(actor, action, subject, details); };
}

size_t RefusalAuditLimiter::tracked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return windows_.size();
}

Status RefusalAuditLimiter::Close(const std::string& actor) {
  const auto it = windows_.find(actor);
  if (it == windows_.end()) return Status::Ok();
  const Window& w = it->second;
  if (w.counted > 0) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& [subject, details] : w.samples) {
      // Details are the refusal's own JSON object; kept as text if not.
      nlohmann::json d = nlohmann::json::parse(details, nullptr, false);
      samples.push_back({{"subject", subject}, {"details", d.is_discarded() ? nlohmann::json(details) : d}});
    }
    const nlohmann::json summary = {{"count", w.counted},
                                    {"first", tenancy::IsoUtc(w.first)},
                                    {"last", tenancy::IsoUtc(w.last)},
                                    {"window_start", tenancy::IsoUtc(w.start)},
                                    {"window_seconds", limits_.window_seconds},
                                    {"samples", samples}};
    const std::string subject = std::to_string(w.counted) + (w.counted == 1 ? " refusal" : " refusals");
    // Not written: keep the window and its count for the next attempt
    // (the log may be failing for a moment, as on a full disk).
    if (Status s = inner_(actor, std::string(kRefusalSummaryAction), subject, summary.dump()); !s.ok()) return s;
  }
  windows_.erase(it);
  return Status::Ok();
}

Status RefusalAuditLimiter::CloseDue(int64_t now) {
  if (now < next_due_) return Status::Ok();
  Status first_error;
  std::vector<std::string> due;
  for (const auto& [actor, w] : windows_) {
    if (now >= w.start + limits_.window_seconds) due.push_back(actor);
  }
  for (const std::string& actor : due) {
    if (Status s = Close(actor); !s.ok() && first_error.ok()) first_error = s;
  }
  next_due_ = INT64_MAX;
  for (const auto& [actor, w] : windows_) {
    // A window whose summary failed is due again at once.
    next_due_ = std::min(next_due_, std::max(w.start + limits_.window_seconds, now));
  }
  return first_error;
}

Status RefusalAuditLimiter::Audit(const std::string& actor, const std::string& action, const std::string& subject,
                                  const std::string& details) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_.NowUnixSeconds();
  // A failure here leaves the summaries pending; it is not this entry's.
  (void)CloseDue(now);
  if (action != kRefusalAction) return inner_(actor, action, subject, details);

  if (auto it = windows_.find(actor); it != windows_.end()) {
    // Within the window, or past it with its summary not yet written:
    // counted into that summary, whose first/last times show the span.
    Window& w = it->second;
    if (w.counted == 0) w.first = now;
    ++w.counted;
    w.last = now;
    const std::pair<std::string, std::string> sample{subject, details};
    if (w.samples.size() < limits_.max_samples &&
        std::find(w.samples.begin(), w.samples.end(), sample) == w.samples.end()) {
      w.samples.push_back(sample);
    }
    return Status::Ok();
  }
  if (windows_.size() >= limits_.max_principals) {
    // Bounded memory: the oldest window's summary goes out early.
    auto oldest = std::min_element(windows_.begin(), windows_.end(),
                                   [](const auto& a, const auto& b) { return a.second.start < b.second.start; });
    if (Status s = Close(oldest->first); !s.ok()) return s;
  }
  // The first refusal of a window is written in full. If it cannot be, no
  // window starts, so the next refusal is tried in full again.
  if (Status s = inner_(actor, action, subject, details); !s.ok()) return s;
  Window w;
  w.start = now;
  windows_.emplace(actor, std::move(w));
  next_due_ = std::min(next_due_, now + limits_.window_seconds);
  return Status::Ok();
}

Status RefusalAuditLimiter::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  Status first_error;
  std::vector<std::string> actors;
  for (const auto& [actor, w] : windows_) actors.push_back(actor);
  for (const std::string& actor : actors) {
    if (Status s = Close(actor); !s.ok() && first_error.ok()) first_error = s;
  }
  next_due_ = windows_.empty() ? INT64_MAX : clock_.NowUnixSeconds();
  return first_error;
}

}  // namespace csu::web
