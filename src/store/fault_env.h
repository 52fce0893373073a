// An Env for tests that counts every mutating operation (file create, write,
// fsync, rename, remove, directory create and fsync, and SQLite's own writes,
// truncates, syncs and deletes through a VFS shim) and, following a plan,
// fails the N-th one with an errno or kills the process just before it.
//
// A failed file write first writes half its bytes (a torn write), as a full
// disk would. Reads, listing and locking pass through untouched.
//
// Thread safety: the counters are atomic; the plan must be set while no other
// thread uses the env. The env must outlive every Store opened with it (the
// SQLite VFS it registers points at it).
#pragma once

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/env.h"

struct sqlite3_vfs;

namespace csu::store {

struct FaultPlan {
  int64_t fail_at = 0;  // 1-based index of the operation to fail; 0 = none
  int error = EIO;      // the errno reported (EIO, ENOSPC, ...)
  bool sticky = false;  // also fail every operation after it (a full disk)
  bool crash = false;   // SIGKILL the process instead of failing (crash tests)
};

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(Env& base);
  ~FaultInjectionEnv() override;
  FaultInjectionEnv(const FaultInjectionEnv&) = delete;
  FaultInjectionEnv& operator=(const FaultInjectionEnv&) = delete;

  // Resets the operation counter and installs `plan`.
  void SetPlan(const FaultPlan& plan);
  // Mutating operations seen since the last SetPlan.
  int64_t ops() const { return ops_.load(); }
  // Whether the plan has failed an operation yet.
  bool fired() const { return fired_.load(); }
  // "3 write batches/tmp-1a2b.cols", one line per operation, when recording.
  void set_recording(bool on) { recording_ = on; }
  std::vector<std::string> log() const;

  // Called before each mutating operation: 0 to go ahead, else the errno to
  // fail it with (or the process dies here, for a crash plan).
  int BeforeOp(const char* what, const std::string& path);
  // The errno of the last failure injected (0 when none yet): what the
  // SQLite shim's xGetLastError reports, as a real VFS reports the errno of
  // the call that failed.
  int last_injected_error() const { return last_error_; }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::string> ReadFile(const std::string& path) override { return base_.ReadFile(path); }
  Result<std::unique_ptr<MappedFile>> MapFile(const std::string& path) override { return base_.MapFile(path); }
  bool FileExists(const std::string& path) override { return base_.FileExists(path); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override { return base_.ListDir(dir); }
  Status CreateDir(const std::string& dir) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override { return base_.LockFile(path); }
  std::string NowUtc() override { return base_.NowUtc(); }
  uint64_t RandomU64() override { return base_.RandomU64(); }
  std::string SqliteVfs() override { return vfs_name_; }

 private:
  Env& base_;
  FaultPlan plan_;
  std::atomic<int64_t> ops_{0};
  std::atomic<bool> fired_{false};
  std::atomic<int> last_error_{0};
  bool recording_ = false;
  mutable std::mutex log_mu_;
  std::vector<std::string> log_;
  std::string vfs_name_;
  std::unique_ptr<sqlite3_vfs> vfs_;
};

}  // namespace csu::store
