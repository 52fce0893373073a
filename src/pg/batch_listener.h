// A node's ear on the batches (docs/server-mode.md, "Batches in
// PostgreSQL"): its own libpq connection that LISTENs on pg::kBatchChannel,
// so a node learns of a new or withdrawn batch as soon as the transaction
// that made it commits. Notifications can be missed (while the connection is
// down, or before LISTEN ran), so nodes also read the generation every few
// seconds; Wait returning false is just "nothing heard".
//
//   CSU_ASSIGN_OR_RETURN(ear, pg::BatchListener::Open(url));
//   while (running) if (ear->Wait(std::chrono::milliseconds(500))) ... catch up ...
//
// Not thread-safe: one thread waits on it.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"

namespace csu::pg {

class BatchListener {
 public:
  // Connects and LISTENs. Errors name the server, never the password.
  static Result<std::unique_ptr<BatchListener>> Open(const std::string& url);
  ~BatchListener();
  BatchListener(const BatchListener&) = delete;
  BatchListener& operator=(const BatchListener&) = delete;

  // Waits up to `timeout` for a notification; true when at least one came
  // (all that came are consumed). A broken connection is made again (and
  // LISTENs again) on the next call, answering false meanwhile.
  bool Wait(std::chrono::milliseconds timeout);

 private:
  struct Conn;
  explicit BatchListener(std::unique_ptr<Conn> conn);
  std::unique_ptr<Conn> conn_;
};

}  // namespace csu::pg
