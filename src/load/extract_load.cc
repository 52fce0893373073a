// LoadExtract: the ingest path `csu ingest` and the web upload share.
#include "load/extract_load.h"

#include <memory>
#include <optional>
#include <span>

#include "billing/meter.h"
#include "core/codes.h"
#include "core/progress.h"
#include "core/uk_time.h"
#include "ingest/record_sink.h"
#include "store/batch_builder.h"
#include "store/env.h"

namespace csu::load {
namespace {

// Passes records on to the batch and counts the accepted ones per
// commissioner, for the records_loaded meter (docs/billing.md), and the rows
// so far for a progress page. Counts per span, so the per-record cost is one
// comparison with the last code seen.
class CountingSink : public ingest::RecordSink {
 public:
  CountingSink(ingest::RecordSink& inner, LoadCounters* counters) : inner_(inner), counters_(counters) {}
  ingest::ExtractKind kind() const override { return inner_.kind(); }
  void AddApc(const ingest::ApcRecord& r) override { Count(r.common.commissioner, 1), inner_.AddApc(r); }
  void AddOp(const ingest::OpRecord& r) override { Count(r.common.commissioner, 1), inner_.AddOp(r); }
  void AddAe(const ingest::AeRecord& r) override { Count(r.common.commissioner, 1), inner_.AddAe(r); }
  void AddQuarantined(ingest::QuarantinedRow row) override {
    if (counters_ != nullptr) counters_->quarantined.fetch_add(1, std::memory_order_relaxed);
    inner_.AddQuarantined(std::move(row));
  }
  void AddApcs(std::span<const ingest::ApcRecord> rs) override { CountAll(rs), inner_.AddApcs(rs); }
  void AddOps(std::span<const ingest::OpRecord> rs) override { CountAll(rs), inner_.AddOps(rs); }
  void AddAes(std::span<const ingest::AeRecord> rs) override { CountAll(rs), inner_.AddAes(rs); }
  const std::map<std::string, int64_t>& counts() const { return counts_; }

 private:
  template <typename R>
  void CountAll(std::span<const R> rs) {
    for (const R& r : rs) Count(r.common.commissioner, 1);
  }
  void Count(const OdsCode& code, int64_t n) {
    if (counters_ != nullptr) counters_->accepted.fetch_add(n, std::memory_order_relaxed);
    if (last_ == nullptr || last_code_ != code) {
      last_code_ = code;
      last_ = &counts_[std::string(code.view())];
    }
    *last_ += n;
  }
  ingest::RecordSink& inner_;
  LoadCounters* counters_;
  std::map<std::string, int64_t> counts_;
  OdsCode last_code_;
  int64_t* last_ = nullptr;
};

// Metered once per batch and commissioner, after the batch is on disk. A
// crash between the two leaves that batch unmetered; it is never counted
// twice (docs/billing.md, "Metering").
Status MeterLoaded(billing::Meter& meter, int64_t batch_id, const std::map<std::string, int64_t>& counts,
                   const std::string& actor) {
  const std::string now = store::Env::Default().NowUtc();
  const billing::Period period = billing::Period::Of(UkDateOfTimestamp(now).value());  // the stamp's own day
  for (const auto& [ccg, n] : counts) {
    CSU_ASSIGN_OR_RETURN(counted, meter.CountOnce("batch:" + std::to_string(batch_id) + ":" + ccg, ccg, period,
                                                  "records_loaded", "", n, now, actor));
    (void)counted;
  }
  return Status::Ok();
}

}  // namespace

Result<LoadOutcome> LoadExtract(const WithStore& with_store, const refdata::RefData& ref,
                                const ingest::Pseudonymiser& pseudonymiser, billing::Meter& meter,
                                const LoadRequest& request, const ingest::ExtractSummary& summary,
                                Progress* progress, LoadCounters* counters) {
  LoadOutcome out;
  std::optional<store::BatchInfo> existing;
  std::unique_ptr<store::BatchBuilder> batch;
  Status s = with_store([&](store::Store& st) -> Status {
    CSU_ASSIGN_OR_RETURN(found, st.FindByContent(request.kind, summary.content_sha256));
    existing = found;
    if (existing) return Status::Ok();
    // Sized for the rows the file can hold, so the columns and tables are
    // allocated once. (A guess of one row per 120 bytes undercounted every
    // demo file, outpatients by a third, and the columns then grew midway,
    // copying what they held.)
    CSU_ASSIGN_OR_RETURN(b, st.NewBatch(request.kind, static_cast<size_t>(summary.rows_at_most)));
    batch = std::move(b);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  if (existing) {
    out.kind = LoadOutcome::Kind::kAlreadyLoaded;
    out.batch = *existing;
    out.report.file_name = request.file_name;
    return out;
  }
  // The rows are read, checked and pseudonymised into the batch in memory,
  // outside the store's lock: nothing is on disk until CommitBatch.
  CountingSink counting(*batch, counters);
  auto report = ingest::IngestFile(request.path, request.kind, ref, pseudonymiser, counting, progress, request.options);
  if (progress != nullptr) progress->Finish();
  if (!report.ok()) {
    out.refusal = report.error().ToString();
    return out;
  }
  out.report = std::move(report).value();
  if (!request.file_name.empty()) out.report.file_name = request.file_name;
  if (out.report.looks_truncated && !request.accept_truncated) {
    out.refusal = (request.file_name.empty() ? request.path : request.file_name) + ": line " + std::to_string(out.report.last_line) +
                  ": the file looks truncated (its last row is incomplete and it does not end with a line break); "
                  "nothing was loaded. Load the complete file, or add --accept-truncated if this is all of it";
    return out;
  }
  store::BatchInfo info;
  info.kind = request.kind;
  info.file_name = out.report.file_name;
  info.content_sha256 = out.report.content_sha256;
  info.rows_read = out.report.rows_read;
  info.loaded_by = request.actor;
  s = with_store([&](store::Store& st) -> Status {
    CSU_ASSIGN_OR_RETURN(committed, st.CommitBatch(std::move(batch), info));
    out.batch = committed;
    return Status::Ok();
  });
  if (!s.ok())
    return MakeError(request.file_name.empty() ? request.path : request.file_name, "not loaded: " + s.error().ToString());
  out.kind = LoadOutcome::Kind::kLoaded;
  if (Status m = MeterLoaded(meter, out.batch.id, counting.counts(), request.meter_actor); !m.ok())
    out.meter_error = m.error().ToString();
  return out;
}

}  // namespace csu::load
