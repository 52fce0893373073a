#include "cli/server_batches.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/server_mode.h"
#include "pg/batch_listener.h"
#include "pg/pg_connection.h"

namespace csu::cli {

Result<std::unique_ptr<pg::BatchChunks>> OpenServerBatches(const std::string& url) {
  if (!pg::IsPostgresUrl(url)) return MakeError("--database", "must be a postgresql:// URL (docs/server-mode.md)");
  CSU_ASSIGN_OR_RETURN(db, pg::Connect(url));
  return pg::BatchChunks::Open(std::move(db));
}

Status AsIngestJob(const std::string& url, pg::BatchChunks& chunks, const load::WithStore& with_store,
                   const std::string& key_fingerprint, const std::string& actor, const std::function<Status()>& load) {
  CSU_ASSIGN_OR_RETURN(job, pg::IngestJob::Take(url, pg::IngestJob::Wait::kRefuse));
  (void)job;  // held to the end of the job
  Status caught = with_store([&](store::Store& s) -> Status {
    auto r = pg::CatchUp(chunks, s, key_fingerprint, actor);
    return r.ok() ? Status::Ok() : Status(r.error());
  });
  if (!caught.ok()) return caught;
  Status loaded = load();
  pg::SyncOutcome outcome;
  Status published = with_store([&](store::Store& s) -> Status {
    auto r = pg::PublishLocal(chunks, s, key_fingerprint);
    if (r.ok()) outcome = r.value();
    return r.ok() ? Status::Ok() : Status(r.error());
  });
  if (published.ok()) published = AuditPublication(url, actor, outcome);
  return loaded.ok() ? published : loaded;
}

Status AuditPublication(const std::string& url, const std::string& actor, const pg::SyncOutcome& outcome) {
  if (outcome.published == 0) return Status::Ok();
  // What every node now serves is recorded where every node's audit goes,
  // each batch as the folder's catalog recorded its ingest or withdrawal
  // (who loaded which file, its checksum and its rows), so the shared log
  // holds the whole of it. After the publication's commit, not in it: a
  // failure here is reported, naming what was published without its entry.
  nlohmann::json batches = nlohmann::json::array();
  for (const store::BatchInfo& b : outcome.published_batches) {
    if (b.removed) {
      batches.push_back({{"batch", b.id}, {"withdrawn", true}});
      continue;
    }
    batches.push_back({{"batch", b.id}, {"kind", ingest::KindName(b.kind)}, {"file", b.file_name},
                       {"sha256", b.content_sha256}, {"rows_read", b.rows_read}, {"accepted", b.rows_accepted},
                       {"quarantined", b.rows_quarantined}, {"restated", b.records_restated},
                       {"loaded_at", b.loaded_at}, {"loaded_by", b.loaded_by}});
  }
  nlohmann::json details = {
      {"published", outcome.published}, {"generation_before", outcome.generation}, {"batches", batches}};
  auto log = OpenServerAudit(url);
  Status audited = log.ok() ? Status::Ok() : Status(log.error());
  if (audited.ok()) {
    auto e = log.value()->Append(actor, "batches.publish", "batches", details.dump());
    if (!e.ok()) audited = e.error();
  }
  if (audited.ok()) return audited;
  return MakeError(audited.error().where, std::to_string(outcome.published) +
                                              " batch(es) published without their audit entry: " + audited.error().why);
}

Result<pg::SyncOutcome> StartServerBatches(const std::string& url, pg::BatchChunks& chunks, store::Store& store,
                                           const std::string& key_fingerprint, const std::string& actor) {
  CSU_ASSIGN_OR_RETURN(job, pg::IngestJob::Take(url, pg::IngestJob::Wait::kBlock));
  (void)job;  // held to the end of the round
  CSU_ASSIGN_OR_RETURN(caught, pg::CatchUp(chunks, store, key_fingerprint, actor));
  CSU_ASSIGN_OR_RETURN(published, pg::PublishLocal(chunks, store, key_fingerprint));
  caught.published = published.published;
  caught.published_batches = published.published_batches;
  if (Status s = AuditPublication(url, actor, published); !s.ok()) return s.error();
  return caught;
}

BatchFollower::BatchFollower(Options options, std::unique_ptr<pg::BatchChunks> chunks, load::WithStore with_store,
                             std::function<void()> on_change)
    : options_(std::move(options)),
      chunks_(std::move(chunks)),
      with_store_(std::move(with_store)),
      on_change_(std::move(on_change)) {}

BatchFollower::~BatchFollower() { Stop(); }

void BatchFollower::Start() { thread_ = std::thread([this] { Run(); }); }

void BatchFollower::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void BatchFollower::Run() {
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<pg::BatchListener> ear;
  std::string last_problem;
  auto report = [&last_problem](const std::string& problem) {
    // Once per distinct problem, not once per poll.
    if (problem == last_problem) return;
    last_problem = problem;
    if (!problem.empty()) std::fprintf(stderr, "csu: batches from the database: %s\n", problem.c_str());
  };
  if (auto l = pg::BatchListener::Open(options_.url); l.ok()) ear = std::move(l).value();
  else report(l.error().ToString() + " (reading the generation every few seconds instead)");
  int64_t seen = -1;
  Clock::time_point last_poll{};
  const auto slice = std::chrono::milliseconds(250);
  while (!stop_) {
    bool heard = false;
    if (ear) heard = ear->Wait(slice);
    else std::this_thread::sleep_for(slice);
    if (stop_) break;
    const auto now = Clock::now();
    if (!heard && now - last_poll < options_.poll) continue;
    last_poll = now;
    auto generation = chunks_->Generation();
    if (!generation.ok()) {
      report(generation.error().ToString());
      continue;
    }
    if (generation.value() == seen && !heard) continue;
    const auto began = Clock::now();
    pg::SyncOutcome outcome;
    bool changed = false;
    Status s = with_store_([&](store::Store& held) -> Status {
      auto before = held.ListBatches();
      auto r = pg::CatchUp(*chunks_, held, options_.key_fingerprint, options_.actor);
      if (r.ok()) outcome = r.value();
      // A refusal may come after some batches were taken: those are shown.
      auto after = held.ListBatches();
      auto signature = [](const Result<std::vector<store::BatchInfo>>& l) {
        int64_t n = 0;
        if (l.ok())
          for (const store::BatchInfo& b : l.value()) n += b.removed ? 2 : 1;
        return n;
      };
      changed = signature(before) != signature(after);
      return r.ok() ? Status::Ok() : Status(r.error());
    });
    if (s.ok()) {
      seen = outcome.generation;
      report("");
    } else {
      // The refused batch (a damaged chunk) is tried again at the next
      // round; nothing of it reached the folder or the pages.
      report(s.error().ToString() + "; the pages keep what they show");
    }
    if (changed) {
      const auto caught = Clock::now();
      if (on_change_) on_change_();
      const auto swapped = Clock::now();
      auto ms = [](Clock::duration d) {
        return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
      };
      std::fprintf(stderr,
                   "csu: took %d batch(es) and %d withdrawal(s) from the database (generation %lld, %s): "
                   "%lld ms to fetch and check, %lld ms to load and swap\n",
                   outcome.adopted, outcome.removed, static_cast<long long>(outcome.generation),
                   heard ? "notified" : "polled", ms(caught - began), ms(swapped - caught));
    }
  }
}

}  // namespace csu::cli
