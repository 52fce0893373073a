#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace csu {

std::string ErrnoReason(int err) {
  if (err == ENOSPC || err == EDQUOT) return "the disk is full: free some space and try again";
  return std::strerror(err);
}

namespace {

Error OsError(const std::string& path, const char* doing, int err) {
  return MakeError(path, std::string(doing) + ": " + ErrnoReason(err));
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

constexpr size_t kBufferBytes = 1 << 20;

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OsError(path, "cannot open", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return OsError(path, "cannot stat", err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return MakeError(path, "is a directory, not a file");
  }
  std::string data;
  data.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return OsError(path, "cannot read", err);
    }
    if (got == 0) break;
    data.append(buf, static_cast<size_t>(got));
  }
  ::close(fd);
  return data;
}

AtomicFileWriter::AtomicFileWriter(std::string path)
    : path_(std::move(path)), tmp_path_(path_ + ".tmp-" + std::to_string(::getpid())) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && fd_ != -1) ::unlink(tmp_path_.c_str());
}

Status AtomicFileWriter::Open() {
  fd_ = ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return OsError(tmp_path_, "cannot create", errno);
  buffer_.reserve(kBufferBytes);
  return Status::Ok();
}

void AtomicFileWriter::Append(std::string_view bytes) {
  buffer_.append(bytes);
  bytes_ += bytes.size();
  if (buffer_.size() >= kBufferBytes) Flush();
}

void AtomicFileWriter::Flush() {
  size_t done = 0;
  while (done < buffer_.size() && write_errno_ == 0) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      write_errno_ = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

Status AtomicFileWriter::Commit() {
  if (fd_ < 0) return MakeError(path_, "writer was not opened");
  Flush();
  if (write_errno_ != 0) return OsError(tmp_path_, "cannot write", write_errno_);
  if (::fsync(fd_) != 0) return OsError(tmp_path_, "cannot fsync", errno);
  if (::close(fd_) != 0) {
    fd_ = -2;  // closed; the destructor still removes the temporary file
    return OsError(tmp_path_, "cannot close", errno);
  }
  fd_ = -2;
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) return OsError(path_, "cannot rename into place", errno);
  committed_ = true;
  std::string dir = ParentDir(path_);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return OsError(dir, "cannot open directory to fsync", errno);
  int rc = ::fsync(dfd);
  int err = errno;
  ::close(dfd);
  if (rc != 0) return OsError(dir, "cannot fsync directory", err);
  return Status::Ok();
}

Status MakeDirectories(const std::string& path) {
  if (path.empty()) return MakeError(path, "empty directory name");
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return OsError(partial, "cannot create directory", errno);
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return MakeError(path, "exists and is not a directory");
  }
  return Status::Ok();
}

}  // namespace csu
