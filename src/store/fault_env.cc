#include "store/fault_env.h"

#include <sqlite3.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include "core/file.h"

namespace csu::store {
namespace {

Error Injected(const std::string& path, const char* doing, int err) {
  return MakeError(path, std::string(doing) + ": " + ErrnoReason(err));
}

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv& env, std::string path, std::unique_ptr<WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}

  Status Append(std::string_view data) override {
    if (int err = env_.BeforeOp("write", path_)) {
      // A torn write: half the bytes reach the file before the error.
      (void)base_->Append(data.substr(0, data.size() / 2));
      return Injected(path_, "cannot write", err);
    }
    return base_->Append(data);
  }
  Status Sync() override {
    if (int err = env_.BeforeOp("fsync", path_)) return Injected(path_, "cannot fsync", err);
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }

 private:
  FaultInjectionEnv& env_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

// ---- SQLite VFS shim: every catalog write and sync passes BeforeOp. ----

struct ShimFile {
  sqlite3_file base;  // must be first: SQLite sees a ShimFile as a sqlite3_file
  FaultInjectionEnv* env;
  const char* name;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
// The real file follows the shim in the same allocation; keep it aligned.
static_assert(sizeof(ShimFile) % 8 == 0);

// The VFS every shim forwards to: SQLite's own POSIX one.
sqlite3_vfs* Base(sqlite3_vfs*) {
  static sqlite3_vfs* const unix_vfs = sqlite3_vfs_find("unix");
  return unix_vfs;
}
FaultInjectionEnv* EnvOf(sqlite3_vfs* vfs) { return static_cast<FaultInjectionEnv*>(vfs->pAppData); }
ShimFile* Shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }
std::string NameOf(ShimFile* f) { return f->name != nullptr ? f->name : "(temp)"; }

int ShimClose(sqlite3_file* f) { return Shim(f)->real()->pMethods->xClose(Shim(f)->real()); }
int ShimRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Shim(f)->real()->pMethods->xRead(Shim(f)->real(), buf, n, off);
}
int ShimWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (int err = Shim(f)->env->BeforeOp("sqlite-write", NameOf(Shim(f)))) {
    return err == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  }
  return Shim(f)->real()->pMethods->xWrite(Shim(f)->real(), buf, n, off);
}
int ShimTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (Shim(f)->env->BeforeOp("sqlite-truncate", NameOf(Shim(f)))) return SQLITE_IOERR_TRUNCATE;
  return Shim(f)->real()->pMethods->xTruncate(Shim(f)->real(), size);
}
int ShimSync(sqlite3_file* f, int flags) {
  if (Shim(f)->env->BeforeOp("sqlite-fsync", NameOf(Shim(f)))) return SQLITE_IOERR_FSYNC;
  return Shim(f)->real()->pMethods->xSync(Shim(f)->real(), flags);
}
int ShimFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Shim(f)->real()->pMethods->xFileSize(Shim(f)->real(), size);
}
int ShimLock(sqlite3_file* f, int level) { return Shim(f)->real()->pMethods->xLock(Shim(f)->real(), level); }
int ShimUnlock(sqlite3_file* f, int level) { return Shim(f)->real()->pMethods->xUnlock(Shim(f)->real(), level); }
int ShimCheckReserved(sqlite3_file* f, int* out) {
  return Shim(f)->real()->pMethods->xCheckReservedLock(Shim(f)->real(), out);
}
int ShimFileControl(sqlite3_file* f, int op, void* arg) {
  // The unix VFS keeps the errno of a file's last failed write or fsync for
  // this opcode; a failure injected here never reached the real file.
  if (op == SQLITE_FCNTL_LAST_ERRNO && Shim(f)->env->last_injected_error() != 0) {
    *static_cast<int*>(arg) = Shim(f)->env->last_injected_error();
    return SQLITE_OK;
  }
  return Shim(f)->real()->pMethods->xFileControl(Shim(f)->real(), op, arg);
}
int ShimSectorSize(sqlite3_file* f) { return Shim(f)->real()->pMethods->xSectorSize(Shim(f)->real()); }
int ShimDeviceCharacteristics(sqlite3_file* f) {
  return Shim(f)->real()->pMethods->xDeviceCharacteristics(Shim(f)->real());
}
int ShimShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Shim(f)->real()->pMethods->xShmMap(Shim(f)->real(), page, size, extend, out);
}
int ShimShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Shim(f)->real()->pMethods->xShmLock(Shim(f)->real(), offset, n, flags);
}
void ShimShmBarrier(sqlite3_file* f) { Shim(f)->real()->pMethods->xShmBarrier(Shim(f)->real()); }
int ShimShmUnmap(sqlite3_file* f, int del) { return Shim(f)->real()->pMethods->xShmUnmap(Shim(f)->real(), del); }
int ShimFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return Shim(f)->real()->pMethods->xFetch(Shim(f)->real(), off, n, out);
}
int ShimUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return Shim(f)->real()->pMethods->xUnfetch(Shim(f)->real(), off, p);
}

const sqlite3_io_methods kShimMethods = {
    3,           ShimClose,        ShimRead,          ShimWrite,   ShimTruncate,
    ShimSync,    ShimFileSize,     ShimLock,          ShimUnlock,  ShimCheckReserved,
    ShimFileControl, ShimSectorSize, ShimDeviceCharacteristics, ShimShmMap, ShimShmLock,
    ShimShmBarrier, ShimShmUnmap,  ShimFetch,         ShimUnfetch,
};

int ShimOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  ShimFile* s = Shim(file);
  s->env = EnvOf(vfs);
  s->name = name;
  s->base.pMethods = nullptr;
  sqlite3_vfs* base = Base(vfs);
  int rc = base->xOpen(base, name, s->real(), flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after a failed open.
  if (s->real()->pMethods != nullptr) s->base.pMethods = &kShimMethods;
  return rc;
}
int ShimDelete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  if (EnvOf(vfs)->BeforeOp("sqlite-delete", name)) return SQLITE_IOERR_DELETE;
  return Base(vfs)->xDelete(Base(vfs), name, sync_dir);
}
int ShimAccess(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return Base(vfs)->xAccess(Base(vfs), name, flags, out);
}
int ShimFullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return Base(vfs)->xFullPathname(Base(vfs), name, n, out);
}
void* ShimDlOpen(sqlite3_vfs* vfs, const char* name) { return Base(vfs)->xDlOpen(Base(vfs), name); }
void ShimDlError(sqlite3_vfs* vfs, int n, char* msg) { Base(vfs)->xDlError(Base(vfs), n, msg); }
void (*ShimDlSym(sqlite3_vfs* vfs, void* h, const char* sym))(void) { return Base(vfs)->xDlSym(Base(vfs), h, sym); }
void ShimDlClose(sqlite3_vfs* vfs, void* h) { Base(vfs)->xDlClose(Base(vfs), h); }
int ShimRandomness(sqlite3_vfs* vfs, int n, char* out) { return Base(vfs)->xRandomness(Base(vfs), n, out); }
int ShimSleep(sqlite3_vfs* vfs, int us) { return Base(vfs)->xSleep(Base(vfs), us); }
int ShimCurrentTime(sqlite3_vfs* vfs, double* out) { return Base(vfs)->xCurrentTime(Base(vfs), out); }
int ShimGetLastError(sqlite3_vfs* vfs, int n, char* out) {
  if (const int err = EnvOf(vfs)->last_injected_error(); err != 0) return err;
  return Base(vfs)->xGetLastError(Base(vfs), n, out);
}
int ShimCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return Base(vfs)->xCurrentTimeInt64(Base(vfs), out);
}

}  // namespace

FaultInjectionEnv::FaultInjectionEnv(Env& base) : base_(base), vfs_(std::make_unique<sqlite3_vfs>()) {
  char name[64];
  std::snprintf(name, sizeof name, "csu-fault-%p", static_cast<void*>(this));
  vfs_name_ = name;
  sqlite3_vfs* real = Base(nullptr);
  *vfs_ = sqlite3_vfs{};
  vfs_->iVersion = 2;
  vfs_->szOsFile = static_cast<int>(sizeof(ShimFile)) + real->szOsFile;
  vfs_->mxPathname = real->mxPathname;
  vfs_->zName = vfs_name_.c_str();
  vfs_->pAppData = this;
  vfs_->xOpen = ShimOpen;
  vfs_->xDelete = ShimDelete;
  vfs_->xAccess = ShimAccess;
  vfs_->xFullPathname = ShimFullPathname;
  vfs_->xDlOpen = ShimDlOpen;
  vfs_->xDlError = ShimDlError;
  vfs_->xDlSym = ShimDlSym;
  vfs_->xDlClose = ShimDlClose;
  vfs_->xRandomness = ShimRandomness;
  vfs_->xSleep = ShimSleep;
  vfs_->xCurrentTime = ShimCurrentTime;
  vfs_->xGetLastError = ShimGetLastError;
  vfs_->xCurrentTimeInt64 = ShimCurrentTimeInt64;
  sqlite3_vfs_register(vfs_.get(), /*makeDflt=*/0);
}

FaultInjectionEnv::~FaultInjectionEnv() { sqlite3_vfs_unregister(vfs_.get()); }

void FaultInjectionEnv::SetPlan(const FaultPlan& plan) {
  plan_ = plan;
  ops_ = 0;
  fired_ = false;
  last_error_ = 0;
  std::lock_guard<std::mutex> lock(log_mu_);
  log_.clear();
}

std::vector<std::string> FaultInjectionEnv::log() const {
  std::lock_guard<std::mutex> lock(log_mu_);
  return log_;
}

int FaultInjectionEnv::BeforeOp(const char* what, const std::string& path) {
  int64_t n = ++ops_;
  if (recording_) {
    std::lock_guard<std::mutex> lock(log_mu_);
    log_.push_back(std::to_string(n) + " " + what + " " + BaseName(path));
  }
  if (plan_.fail_at <= 0) return 0;
  if (n == plan_.fail_at || (plan_.sticky && n > plan_.fail_at)) {
    if (plan_.crash) ::kill(::getpid(), SIGKILL);
    fired_ = true;
    last_error_ = plan_.error;
    return plan_.error;
  }
  return 0;
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path) {
  if (int err = BeforeOp("create", path)) return Injected(path, "cannot create", err);
  auto file = base_.NewWritableFile(path);
  if (!file.ok()) return file.error();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultWritableFile>(*this, path, std::move(file).value()));
}

Status FaultInjectionEnv::CreateDir(const std::string& dir) {
  if (base_.FileExists(dir)) return base_.CreateDir(dir);  // no mutation: not an operation
  if (int err = BeforeOp("mkdir", dir)) return Injected(dir, "cannot create directory", err);
  return base_.CreateDir(dir);
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  if (int err = BeforeOp("rename", to)) return Injected(to, "cannot rename into place", err);
  return base_.RenameFile(from, to);
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  if (int err = BeforeOp("remove", path)) return Injected(path, "cannot remove", err);
  return base_.RemoveFile(path);
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  if (int err = BeforeOp("fsync-dir", dir)) return Injected(dir, "cannot fsync directory", err);
  return base_.SyncDir(dir);
}

}  // namespace csu::store
