// Refusals in the audit log, summarised per principal and interval
// (docs/web.md, "Refusals in the audit log").
//
// Every refused permission check is audited ("permission.refused"), and the
// audit log is append-only: without a limit, one signed-in user of the
// lowest role sending forbidden requests as fast as the server answers
// them writes thousands of entries a second, for ever. So refusals pass
// through a RefusalAuditLimiter: a principal's first refusal in a window
// is written in full, at once; the further ones in that window are counted
// in memory and written as one "permission.refused.summary" entry (exact
// count, first and last time, a few distinct refusals as samples) when
// the window has closed, at the next audit write through the limiter after
// that, or at Flush() (shutdown). Nothing is dropped: a summary that cannot
// be written stays pending and is tried again. Memory is bounded: at most
// `max_principals` principals are tracked; a new one beyond that makes the
// oldest window's summary be written early.
//
//   RefusalAuditLimiter limiter(store_audit, tenancy::Clock::System());
//   account_options.audit = limiter.AsAuditFn();
//   ... serve ...
//   (void)limiter.Flush();
//
// Thread-safe. The limiter must outlive every AuditFn it hands out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "tenancy/clock.h"
#include "web/web_app.h"

namespace csu::web {

inline constexpr std::string_view kRefusalAction = "permission.refused";
inline constexpr std::string_view kRefusalSummaryAction = "permission.refused.summary";

struct RefusalLimits {
  int64_t window_seconds = 60;   // one full entry per principal per window
  size_t max_principals = 1024;  // tracked at once; beyond it summaries are written early
  size_t max_samples = 5;        // distinct refusals quoted in a summary
};

class RefusalAuditLimiter {
 public:
  // `inner` writes to the audit log (thread-safe, as every AuditFn); `clock`
  // must outlive the limiter.
  RefusalAuditLimiter(AuditFn inner, tenancy::Clock& clock, RefusalLimits limits = {});
  // Writes what is still pending (best effort; call Flush() to see errors).
  ~RefusalAuditLimiter();
  RefusalAuditLimiter(const RefusalAuditLimiter&) = delete;
  RefusalAuditLimiter& operator=(const RefusalAuditLimiter&) = delete;

  // The AuditFn to give in place of `inner`. A refusal counted for a later
  // summary answers OK; any other action goes straight to `inner`, after
  // the summaries of windows that have closed.
  Status Audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& details_json);
  AuditFn AsAuditFn();

  // Writes every pending summary now, closing every window. The first
  // error, if any (those summaries stay pending).
  Status Flush();

  // Principals with an open window or a pending summary (at most
  // limits.max_principals).
  size_t tracked() const;

 private:
  struct Window {
    int64_t start = 0;    // the full entry's time, unix seconds
    int64_t counted = 0;  // refusals after it, not yet written
    int64_t first = 0, last = 0;
    std::vector<std::pair<std::string, std::string>> samples;  // (subject, details), distinct
  };

  // Writes the summary of `actor`'s window (if it counted anything) and
  // forgets the window; on a failed write the window stays, counts intact.
  Status Close(const std::string& actor);
  Status CloseDue(int64_t now);

  AuditFn inner_;
  tenancy::Clock& clock_;
  RefusalLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, Window> windows_;
  int64_t next_due_ = INT64_MAX;  // the earliest window end, so most calls skip the scan
};

}  // namespace csu::web
