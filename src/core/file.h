// Thin file I/O used by every module, so that later tests can swap in fault
// injection at one place. Functions return errors as values naming the path
// and the operating system's reason; none of them throws.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "core/result.h"

namespace csu {

// Reads a whole file. Error where = path.
Result<std::string> ReadFile(const std::string& path);

// Writes a new file atomically: the bytes go to "path.tmp-<pid>", are flushed
// and fsync'd, then renamed over `path`, and the directory is fsync'd, so a
// reader sees either the old file or the whole new one, never a torn write.
// Usage: Open(), Append() any number of times, Commit(). Destroying an
// uncommitted writer removes the temporary file. Not thread-safe.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  Status Open();
  // Buffered; a write error is remembered and reported by Commit().
  void Append(std::string_view bytes);
  Status Commit();
  uint64_t bytes_written() const { return bytes_; }

 private:
  void Flush();

  std::string path_;
  std::string tmp_path_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t bytes_ = 0;
  int write_errno_ = 0;
  bool committed_ = false;
};

// The operating system's reason for `err` as errors give it: for a full
// disk or quota (ENOSPC, EDQUOT) "the disk is full: free some space and try
// again", so that a write, fsync or SQLite commit that ran out of space says
// so plainly; else strerror's text ("Permission denied").
std::string ErrnoReason(int err);

// Creates a directory and its parents (mode 0755); OK if it exists.
Status MakeDirectories(const std::string& path);

}  // namespace csu
