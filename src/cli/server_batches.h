// Server mode's batches for the commands (docs/server-mode.md, "Batches in
// PostgreSQL"): `csu ingest --database` and a node's web upload run as the
// singleton ingest job (AsIngestJob), and every `csu serve --database` node
// follows the database (BatchFollower): it LISTENs for new generations, also
// reads the generation every few seconds in case a notification was missed,
// catches its state folder up (every chunk checked) and has its pages swap
// in the reloaded activity.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "load/extract_load.h"
#include "pg/batch_chunks.h"

namespace csu::cli {

// The batch tables in the database at `url` (created on first use).
Result<std::unique_ptr<pg::BatchChunks>> OpenServerBatches(const std::string& url);

// Runs `load` as the singleton ingest job: takes the database's ingest lock
// (refused, saying so, while another ingest holds it), catches the folder up
// from the database, runs `load`, then publishes what the folder has that the
// database lacks (the new batch). Publication runs even when `load` failed,
// so a batch committed before a later failure is not left behind.
Status AsIngestJob(const std::string& url, pg::BatchChunks& chunks, const load::WithStore& with_store,
                   const std::string& key_fingerprint, const std::string& actor, const std::function<Status()>& load);

// Appends `batches.publish` to the server's audit log for what a round
// published (nothing when it published nothing): each batch as the folder's
// catalog recorded its ingest (file, checksum, rows, who and when) or its
// withdrawal, so the shared log holds the whole record and each node's
// catalog only its own cache's trail (its adoptions). docs/server-mode.md.
Status AuditPublication(const std::string& url, const std::string& actor, const pg::SyncOutcome& outcome);

// A node's first round at start: waits for the ingest lock, catches the
// folder up and publishes what only it has (a folder loaded before server
// mode seeds an empty database), audited as above. Returns the outcome for
// the start-up line.
Result<pg::SyncOutcome> StartServerBatches(const std::string& url, pg::BatchChunks& chunks, store::Store& store,
                                           const std::string& key_fingerprint, const std::string& actor);

// Follows the database from its own thread until Stop (or destruction).
class BatchFollower {
 public:
  struct Options {
    std::string url;
    std::string key_fingerprint;
    std::string actor;  // who the adoption audit entries name
    std::chrono::milliseconds poll{2000};  // the generation is read at least this often
  };
  // `on_change` runs on the follower's thread after the folder took batches
  // or withdrawals (reload and swap the pages' activity there).
  BatchFollower(Options options, std::unique_ptr<pg::BatchChunks> chunks, load::WithStore with_store,
                std::function<void()> on_change);
  ~BatchFollower();
  void Start();
  void Stop();

 private:
  void Run();

  Options options_;
  std::unique_ptr<pg::BatchChunks> chunks_;
  load::WithStore with_store_;
  std::function<void()> on_change_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace csu::cli
