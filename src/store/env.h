// The store's window on the operating system: files, directories, a lock,
// the clock and randomness. Every byte the store writes and every fsync it
// relies on goes through an Env (SQLite's too, via Env::SqliteVfs()), so tests
// can substitute FaultInjectionEnv and fail or crash at any single operation.
//
// Errors are values naming the path and the OS reason ("cannot fsync: No space
// left on device"); nothing here throws. Env::Default() is thread-safe; a
// WritableFile is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace csu::store {

// A file being written from the start. Append is unbuffered (one write(2)
// loop), so callers pass large chunks; data is durable only after Sync().
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Sync() = 0;
  // Closing is separate from Sync so an error from close(2) is reported.
  virtual Status Close() = 0;
};

// A whole file mapped read-only. The bytes stay valid while it lives.
class MappedFile {
 public:
  virtual ~MappedFile() = default;
  virtual std::string_view data() const = 0;
};

// Held while the store is open; the destructor releases it.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The real POSIX environment. Lives for the whole program.
  static Env& Default();

  // Creates or truncates `path`, mode 0600.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Maps a whole file read-only with its pages read in up front (a large
  // file costs no heap and no page fault per page later).
  virtual Result<std::unique_ptr<MappedFile>> MapFile(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Names of the entries of `dir` (no "." or ".."), unsorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates `dir` and missing parents (mode 0700), fsyncing the parent of
  // each directory it creates. OK when it exists.
  virtual Status CreateDir(const std::string& dir) = 0;
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // fsync of a directory: makes creations, renames and removals in it durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Exclusive advisory lock (flock) on `path`, created if missing. Error
  // when another process holds it: it waits only long enough to outlast a
  // probe (HeldElsewhere), never for a holder to finish. An existing lock
  // file that cannot be opened for writing (a read-only folder or mount) is
  // opened for reading and locked the same way.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
  // Whether another process holds the exclusive lock on `path` now (false
  // when the file does not exist). A probe: it takes a shared lock for an
  // instant and creates nothing, so it works on a read-only mount.
  virtual bool HeldElsewhere(const std::string& path);

  // Current UTC time, ISO 8601 to the second: "2024-05-01T10:22:03Z".
  virtual std::string NowUtc() = 0;
  // Today's UK civil date by the same clock (core/uk_time.h): in summer, from
  // midnight BST (23:00 UTC) until midnight UTC, a day ahead of the date
  // NowUtc() begins with.
  // Billing uses it, since billing months are UK civil months (docs/billing.md).
  Date TodayUk();
  // 64 bits of randomness for file-name nonces (not for secrets).
  virtual uint64_t RandomU64() = 0;

  // The SQLite VFS the catalog must be opened with; "" means SQLite's default.
  virtual std::string SqliteVfs() { return ""; }
};

// "a/b/c.txt" -> "a/b"; "c.txt" -> ".".
std::string DirName(const std::string& path);
// "a/b/c.txt" -> "c.txt".
std::string BaseName(const std::string& path);

}  // namespace csu::store
