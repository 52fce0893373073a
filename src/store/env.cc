#include "store/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>

#include "core/file.h"
#include "core/uk_time.h"

namespace csu::store {

Date Env::TodayUk() { return UkDateOfTimestamp(NowUtc()).value(); }

bool Env::HeldElsewhere(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases the shared lock, if taken
  return held;
}

namespace {

Error OsError(const std::string& path, const char* doing, int err) {
  return MakeError(path, std::string(doing) + ": " + ErrnoReason(err));
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return OsError(path_, "cannot write", errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status Sync() override {
    // fdatasync suffices: the size change it must persist is file data's
    // metadata, which fdatasync includes.
    if (::fdatasync(fd_) != 0) return OsError(path_, "cannot fsync", errno);
    return Status::Ok();
  }

  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return OsError(path_, "cannot close", errno);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixMappedFile final : public MappedFile {
 public:
  PosixMappedFile(void* addr, size_t size) : addr_(addr), size_(size) {}
  ~PosixMappedFile() override {
    if (addr_ != nullptr) ::munmap(addr_, size_);
  }
  std::string_view data() const override {
    return addr_ == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(addr_), size_);
  }

 private:
  void* addr_;
  size_t size_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::close(fd_); }  // closing releases the flock

 private:
  int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return OsError(path, "cannot create", errno);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd));
  }

  Result<std::string> ReadFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return OsError(path, "cannot open", errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return OsError(path, "cannot stat", err);
    }
    std::string data(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::read(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        return OsError(path, "cannot read", err);
      }
      if (n == 0) break;  // shrank under us: report what is there
      done += static_cast<size_t>(n);
    }
    data.resize(done);
    ::close(fd);
    return data;
  }

  Result<std::unique_ptr<MappedFile>> MapFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return OsError(path, "cannot open", errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return OsError(path, "cannot stat", err);
    }
    size_t size = static_cast<size_t>(st.st_size);
    void* addr = nullptr;
    if (size > 0) {
      addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (addr == MAP_FAILED) {
        int err = errno;
        ::close(fd);
        return OsError(path, "cannot map", err);
      }
    }
    ::close(fd);  // the mapping keeps the file
    return std::unique_ptr<MappedFile>(std::make_unique<PosixMappedFile>(addr, size));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return OsError(dir, "cannot list directory", errno);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(d);
    return names;
  }

  Status CreateDir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0700) == 0) return SyncDir(DirName(dir));
    if (errno == ENOENT && DirName(dir) != dir) {
      if (Status s = CreateDir(DirName(dir)); !s.ok()) return s;
      if (::mkdir(dir.c_str(), 0700) == 0) return SyncDir(DirName(dir));
    }
    if (errno != EEXIST) return OsError(dir, "cannot create directory", errno);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return MakeError(dir, "exists and is not a directory");
    }
    return Status::Ok();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return OsError(to, "cannot rename into place", errno);
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return OsError(path, "cannot remove", errno);
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return OsError(dir, "cannot open directory to fsync", errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return OsError(dir, "cannot fsync directory", err);
    return Status::Ok();
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    // A read-only folder (a read-only mount, or one its user may not write):
    // flock needs no write access, so an existing LOCK is opened for reading
    // and locked all the same, rather than refusing even read-only commands.
    if (fd < 0 && (errno == EROFS || errno == EACCES)) {
      const int write_err = errno;
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        return errno == ENOENT ? OsError(path, "cannot create lock file in a read-only state folder", write_err)
                               : OsError(path, "cannot open lock file", errno);
      }
    }
    if (fd < 0) return OsError(path, "cannot open lock file", errno);
    // A probe (HeldElsewhere) holds a shared lock for microseconds: a few
    // tries over a quarter of a second keep it from refusing an owner.
    int err = 0;
    for (int tries = 0; tries < 10; ++tries) {
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        err = 0;
        break;
      }
      err = errno;
      if (err != EWOULDBLOCK) break;
      ::usleep(25'000);
    }
    if (err != 0) {
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return MakeError(DirName(path), "state folder is in use by another csu process");
      }
      return OsError(path, "cannot lock", err);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd));
  }

  std::string NowUtc() override {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

  uint64_t RandomU64() override {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }
};

}  // namespace

Env& Env::Default() {
  static PosixEnv env;
  return env;
}

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace csu::store
