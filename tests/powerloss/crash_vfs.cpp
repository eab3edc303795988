#include "crash_vfs.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>
#include <stdexcept>

namespace ordo::test {

struct CrashVfs::File {
  sqlite3_file base;
  CrashVfs* vfs;
  std::string* path;  // null: not tracked (temporary files)
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

namespace {

CrashVfs* g_vfs = nullptr;

CrashVfs::File* self(sqlite3_file* f) {
  return reinterpret_cast<CrashVfs::File*>(f);
}
sqlite3_file* real(sqlite3_file* f) {
  return self(f)->real();
}

int xClose(sqlite3_file* f) {
  int rc = real(f)->pMethods->xClose(real(f));
  delete self(f)->path;
  self(f)->path = nullptr;
  return rc;
}
int xRead(sqlite3_file* f, void* p, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), p, n, off);
}
int xWrite(sqlite3_file* f, const void* p, int n, sqlite3_int64 off) {
  return self(f)->vfs->write(self(f), p, n, off);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return self(f)->vfs->truncate(self(f), size);
}
int xSync(sqlite3_file* f, int flags) {
  return self(f)->vfs->sync(self(f), flags);
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int xLock(sqlite3_file* f, int level) {
  return real(f)->pMethods->xLock(real(f), level);
}
int xUnlock(sqlite3_file* f, int level) {
  return real(f)->pMethods->xUnlock(real(f), level);
}
int xCheckReservedLock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int xFileControl(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int xSectorSize(sqlite3_file* f) {
  return real(f)->pMethods->xSectorSize(real(f));
}
int xDeviceCharacteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int xShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void xShmBarrier(sqlite3_file* f) {
  real(f)->pMethods->xShmBarrier(real(f));
}
int xShmUnmap(sqlite3_file* f, int deleteFlag) {
  return real(f)->pMethods->xShmUnmap(real(f), deleteFlag);
}
int xFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}
int xUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

const sqlite3_io_methods kMethods = {3,
                                     xClose,
                                     xRead,
                                     xWrite,
                                     xTruncate,
                                     xSync,
                                     xFileSize,
                                     xLock,
                                     xUnlock,
                                     xCheckReservedLock,
                                     xFileControl,
                                     xSectorSize,
                                     xDeviceCharacteristics,
                                     xShmMap,
                                     xShmLock,
                                     xShmBarrier,
                                     xShmUnmap,
                                     xFetch,
                                     xUnfetch};

sqlite3_vfs* realVfs(sqlite3_vfs* v) {
  return static_cast<sqlite3_vfs*>(v->pAppData);
}
int vOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
  return g_vfs->open(name, reinterpret_cast<CrashVfs::File*>(f), flags, outFlags);
}
int vDelete(sqlite3_vfs*, const char* name, int syncDir) {
  return g_vfs->remove(name, syncDir);
}
int vAccess(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return realVfs(v)->xAccess(realVfs(v), name, flags, out);
}
int vFullPathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return realVfs(v)->xFullPathname(realVfs(v), name, n, out);
}
void* vDlOpen(sqlite3_vfs* v, const char* name) {
  return realVfs(v)->xDlOpen(realVfs(v), name);
}
void vDlError(sqlite3_vfs* v, int n, char* out) {
  realVfs(v)->xDlError(realVfs(v), n, out);
}
void (*vDlSym(sqlite3_vfs* v, void* h, const char* sym))(void) {
  return realVfs(v)->xDlSym(realVfs(v), h, sym);
}
void vDlClose(sqlite3_vfs* v, void* h) {
  realVfs(v)->xDlClose(realVfs(v), h);
}
int vRandomness(sqlite3_vfs* v, int n, char* out) {
  return realVfs(v)->xRandomness(realVfs(v), n, out);
}
int vSleep(sqlite3_vfs* v, int micros) {
  return realVfs(v)->xSleep(realVfs(v), micros);
}
int vCurrentTime(sqlite3_vfs* v, double* out) {
  return realVfs(v)->xCurrentTime(realVfs(v), out);
}
int vGetLastError(sqlite3_vfs* v, int n, char* out) {
  return realVfs(v)->xGetLastError(realVfs(v), n, out);
}
int vCurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) {
  return realVfs(v)->xCurrentTimeInt64(realVfs(v), out);
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

CrashVfs& CrashVfs::install() {
  if (g_vfs) {
    sqlite3_vfs_register(&g_vfs->vfs_, 1);
    return *g_vfs;
  }
  auto* v = new CrashVfs();
  v->real_ = sqlite3_vfs_find("unix");
  if (!v->real_) throw std::runtime_error("no unix VFS");
  v->vfs_ = *v->real_;
  v->vfs_.iVersion = 2;  // no xSetSystemCall & co.
  v->vfs_.szOsFile = static_cast<int>(sizeof(File)) + v->real_->szOsFile;
  v->vfs_.pNext = nullptr;
  v->vfs_.zName = "crash";
  v->vfs_.pAppData = v->real_;
  v->vfs_.xOpen = vOpen;
  v->vfs_.xDelete = vDelete;
  v->vfs_.xAccess = vAccess;
  v->vfs_.xFullPathname = vFullPathname;
  v->vfs_.xDlOpen = vDlOpen;
  v->vfs_.xDlError = vDlError;
  v->vfs_.xDlSym = vDlSym;
  v->vfs_.xDlClose = vDlClose;
  v->vfs_.xRandomness = vRandomness;
  v->vfs_.xSleep = vSleep;
  v->vfs_.xCurrentTime = vCurrentTime;
  v->vfs_.xGetLastError = vGetLastError;
  v->vfs_.xCurrentTimeInt64 = vCurrentTimeInt64;
  g_vfs = v;
  if (sqlite3_vfs_register(&v->vfs_, 1) != SQLITE_OK) throw std::runtime_error("cannot register the crash VFS");
  return *v;
}

void CrashVfs::uninstall() {
  sqlite3_vfs_register(sqlite3_vfs_find("unix"), 1);
}

int CrashVfs::open(const char* name, File* f, int flags, int* outFlags) {
  f->base.pMethods = nullptr;
  f->vfs = this;
  f->path = nullptr;
  int rc = real_->xOpen(real_, name, f->real(), flags, outFlags);
  if (rc != SQLITE_OK) return rc;
  f->base.pMethods = &kMethods;
  const bool persistent = name && !(flags & SQLITE_OPEN_DELETEONCLOSE) &&
                          (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL));
  if (persistent) {
    f->path = new std::string(name);
    std::lock_guard lock(m_);
    // First sight of a file: what is on disk now is durable.
    if (!disks_.count(*f->path)) disks_[*f->path].durable = readAll(*f->path);
  }
  return SQLITE_OK;
}

bool CrashVfs::tick() {
  if (cut_) return false;
  ++ops_;
  if (cutAt_ > 0 && ops_ >= cutAt_) {
    cut_ = true;
    return false;
  }
  return true;
}

int CrashVfs::remove(const char* name, int syncDir) {
  {
    std::lock_guard lock(m_);
    if (!tick()) return SQLITE_IOERR_DELETE;
    disks_.erase(name);
  }
  return real_->xDelete(real_, name, syncDir);
}

int CrashVfs::write(File* f, const void* data, int amount, sqlite3_int64 offset) {
  std::lock_guard lock(m_);
  if (!tick()) return SQLITE_IOERR_WRITE;
  int rc = f->real()->pMethods->xWrite(f->real(), data, amount, offset);
  if (rc == SQLITE_OK && f->path)
    disks_[*f->path].pending.push_back(
        {false, offset, std::string(static_cast<const char*>(data), static_cast<std::size_t>(amount))});
  return rc;
}

int CrashVfs::truncate(File* f, sqlite3_int64 size) {
  std::lock_guard lock(m_);
  if (!tick()) return SQLITE_IOERR_TRUNCATE;
  int rc = f->real()->pMethods->xTruncate(f->real(), size);
  if (rc == SQLITE_OK && f->path) disks_[*f->path].pending.push_back({true, size, {}});
  return rc;
}

int CrashVfs::sync(File* f, int flags) {
  (void)flags;
  std::lock_guard lock(m_);
  if (!tick()) return SQLITE_IOERR_FSYNC;
  ++syncs_;
  if (!f->path || lying_) return SQLITE_OK;
  // The disk now holds everything written to this file; no real fsync is needed, the model is the disk.
  auto& d = disks_[*f->path];
  for (const auto& op : d.pending) apply(d.durable, op);
  d.pending.clear();
  return SQLITE_OK;
}

void CrashVfs::apply(std::string& content, const Op& op) {
  if (op.truncate) {
    content.resize(static_cast<std::size_t>(op.offset));
    return;
  }
  auto end = static_cast<std::size_t>(op.offset) + op.data.size();
  if (content.size() < end) content.resize(end, '\0');
  std::memcpy(content.data() + op.offset, op.data.data(), op.data.size());
}

void CrashVfs::armAt(std::int64_t n) {
  std::lock_guard lock(m_);
  ops_ = 0;
  syncs_ = 0;
  cut_ = false;
  cutAt_ = n;
}

void CrashVfs::setLyingDisk(bool lying) {
  std::lock_guard lock(m_);
  lying_ = lying;
}

bool CrashVfs::cut() const {
  std::lock_guard lock(m_);
  return cut_;
}

std::int64_t CrashVfs::operations() const {
  std::lock_guard lock(m_);
  return ops_;
}

std::int64_t CrashVfs::syncs() const {
  std::lock_guard lock(m_);
  return syncs_;
}

CrashVfs::Outcome CrashVfs::powerLoss(Loss loss, std::mt19937& rng) {
  std::lock_guard lock(m_);
  Outcome out;
  for (auto& [path, d] : disks_) {
    std::string content = d.durable;
    if (loss == Loss::scattered) {
      // The page cache wrote back any subset of the dirty ranges, in any order; the last one may be torn.
      std::vector<const Op*> kept;
      for (const auto& op : d.pending)
        if (rng() % 2 == 0)
          kept.push_back(&op);
        else
          ++out.unsyncedDropped;
      for (std::size_t i = 0; i < kept.size(); ++i) {
        Op op = *kept[i];
        if (i + 1 == kept.size() && !op.truncate && op.data.size() > 512 && rng() % 2 == 0) {
          std::size_t sectors = op.data.size() / 512;
          std::size_t good = 512 * (rng() % sectors);
          for (std::size_t b = good; b < op.data.size(); ++b) op.data[b] = static_cast<char>(rng());
          ++out.torn;
        }
        apply(content, op);
        ++out.unsyncedKept;
      }
    } else {
      out.unsyncedDropped += static_cast<std::int64_t>(d.pending.size());
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(content.data(), static_cast<std::streamsize>(content.size()));
    std::filesystem::remove(path + "-shm");  // the wal-index was in memory
    d.durable = content;
    d.pending.clear();
  }
  cut_ = false;
  cutAt_ = 0;
  return out;
}

void CrashVfs::forget() {
  std::lock_guard lock(m_);
  disks_.clear();
  ops_ = syncs_ = cutAt_ = 0;
  cut_ = false;
}

}  // namespace ordo::test
