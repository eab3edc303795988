// A VFS over the default one that writes a transaction's WAL frames with one system call.
// SQLite writes each frame as two writes (its 24-byte header, then the page): ~40 pwrite calls
// a command here, half a command's time under synchronous=NORMAL on this VM. This shim gathers
// the contiguous writes to a -wal file and writes them out at the commit frame (a frame header
// whose "database size after commit" is not zero, and its page), before any read, sync, size,
// truncate or close of that file, and past 64 KiB (the unix VFS writes at most 128 KiB a call). So the log holds a transaction's frames when
// SQLite goes on to publish them in the wal-index, exactly as without the shim, and a sync covers
// what was gathered; a crash before the commit frame was written leaves an uncommitted tail,
// which recovery ignores as it always does. Other files, and anything not shaped like frames
// (the file's header, odd sizes), pass straight through. The default VFS is looked up at each
// open, so one registered later (the power-loss tests' crash VFS) is the one underneath.
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>

#include "store/sqlite.hpp"

namespace ordo::store {

namespace {

// Past this a write goes out; the unix VFS cuts any write to 128 KiB (and reports the rest as
// a full disk), so no single write here is larger.
constexpr std::size_t kFlushAt = 64 * 1024;

struct WalFile {
  sqlite3_file base;    // our methods
  sqlite3_file* real;   // the default VFS's file, allocated by us
  bool gather;          // a -wal file
  int pageSize;         // from the log's header once written or read; 0: unknown
  sqlite3_int64 start;  // where `pending` goes
  // The group commit syncs the log from its own thread while the writer writes the next batch.
  std::mutex* lock;
  std::string* pending;
  sqlite3_int64 headerAt;  // the frame header written last, and whether it ends a transaction
  bool commitFrame;
};

WalFile* self(sqlite3_file* f) {
  return reinterpret_cast<WalFile*>(f);
}
std::uint32_t be32(const void* p) {
  const auto* b = static_cast<const unsigned char*>(p);
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

// With w->lock held.
int flush(WalFile* w) {
  if (!w->pending || w->pending->empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (std::size_t at = 0; at < w->pending->size() && rc == SQLITE_OK; at += kFlushAt) {
    const std::size_t n = std::min(kFlushAt, w->pending->size() - at);
    rc = w->real->pMethods->xWrite(w->real, w->pending->data() + at, static_cast<int>(n),
                                   w->start + static_cast<sqlite3_int64>(at));
  }
  w->pending->clear();
  return rc;
}

int flushLocked(WalFile* w) {
  std::lock_guard hold(*w->lock);
  return flush(w);
}

int xClose(sqlite3_file* f) {
  auto* w = self(f);
  int rc = flushLocked(w);
  int rc2 = w->real->pMethods ? w->real->pMethods->xClose(w->real) : SQLITE_OK;
  delete w->pending;
  delete w->lock;
  sqlite3_free(w->real);
  return rc != SQLITE_OK ? rc : rc2;
}
int xRead(sqlite3_file* f, void* p, int n, sqlite3_int64 off) {
  auto* w = self(f);
  if (int rc = flushLocked(w); rc != SQLITE_OK) return rc;
  int rc = w->real->pMethods->xRead(w->real, p, n, off);
  if (w->gather && off == 0 && n >= 32 && rc == SQLITE_OK) w->pageSize = static_cast<int>(be32(static_cast<char*>(p) + 8));
  return rc;
}
int xWrite(sqlite3_file* f, const void* p, int n, sqlite3_int64 off) {
  auto* w = self(f);
  if (!w->gather) return w->real->pMethods->xWrite(w->real, p, n, off);
  std::lock_guard hold(*w->lock);
  const sqlite3_int64 frame = w->pageSize ? 24 + w->pageSize : 0;
  const bool header = frame && off >= 32 && (off - 32) % frame == 0 && (n == 24 || n == frame);
  const bool page = frame && !header && n == w->pageSize && off == w->headerAt + 24;
  if (!header && !page) {
    // The log's own header or anything else: in order, unbuffered.
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
    if (off == 0 && n >= 32) w->pageSize = static_cast<int>(be32(static_cast<const char*>(p) + 8));
    return w->real->pMethods->xWrite(w->real, p, n, off);
  }
  if (!w->pending->empty() && off != w->start + static_cast<sqlite3_int64>(w->pending->size())) {
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
  }
  if (w->pending->empty()) w->start = off;
  w->pending->append(static_cast<const char*>(p), static_cast<std::size_t>(n));
  if (header) {
    w->headerAt = off;
    w->commitFrame = be32(static_cast<const char*>(p) + 4) != 0;
  }
  const bool ends = w->commitFrame && (page || n == frame);
  if (ends || w->pending->size() >= kFlushAt) return flush(w);
  return SQLITE_OK;
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
  auto* w = self(f);
  if (int rc = flushLocked(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xTruncate(w->real, size);
}
int xSync(sqlite3_file* f, int flags) {
  auto* w = self(f);
  if (int rc = flushLocked(w); rc != SQLITE_OK) return rc;  // the fsync itself without the lock
  return w->real->pMethods->xSync(w->real, flags);
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
  auto* w = self(f);
  if (int rc = flushLocked(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xFileSize(w->real, size);
}
int xLock(sqlite3_file* f, int l) {
  return self(f)->real->pMethods->xLock(self(f)->real, l);
}
int xUnlock(sqlite3_file* f, int l) {
  return self(f)->real->pMethods->xUnlock(self(f)->real, l);
}
int xCheckReservedLock(sqlite3_file* f, int* out) {
  return self(f)->real->pMethods->xCheckReservedLock(self(f)->real, out);
}
int xFileControl(sqlite3_file* f, int op, void* arg) {
  auto* w = self(f);
  if (int rc = flushLocked(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xFileControl(w->real, op, arg);
}
int xSectorSize(sqlite3_file* f) {
  return self(f)->real->pMethods->xSectorSize(self(f)->real);
}
int xDeviceCharacteristics(sqlite3_file* f) {
  return self(f)->real->pMethods->xDeviceCharacteristics(self(f)->real);
}
int xShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return self(f)->real->pMethods->xShmMap(self(f)->real, region, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return self(f)->real->pMethods->xShmLock(self(f)->real, offset, n, flags);
}
void xShmBarrier(sqlite3_file* f) {
  self(f)->real->pMethods->xShmBarrier(self(f)->real);
}
int xShmUnmap(sqlite3_file* f, int deleteFlag) {
  return self(f)->real->pMethods->xShmUnmap(self(f)->real, deleteFlag);
}
int xFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  auto* r = self(f)->real;
  if (r->pMethods->iVersion < 3) {
    *out = nullptr;
    return SQLITE_OK;
  }
  return r->pMethods->xFetch(r, off, n, out);
}
int xUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  auto* r = self(f)->real;
  return r->pMethods->iVersion < 3 ? SQLITE_OK : r->pMethods->xUnfetch(r, off, p);
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

sqlite3_vfs* under() {
  return sqlite3_vfs_find(nullptr);  // never this one: it is not registered as the default
}

int vOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
  auto* w = self(f);
  std::memset(w, 0, sizeof(WalFile));
  sqlite3_vfs* base = under();
  w->real = static_cast<sqlite3_file*>(sqlite3_malloc(base->szOsFile));
  if (!w->real) return SQLITE_NOMEM;
  std::memset(w->real, 0, static_cast<std::size_t>(base->szOsFile));
  int rc = base->xOpen(base, name, w->real, flags, outFlags);
  if (rc != SQLITE_OK || !w->real->pMethods) {
    if (w->real->pMethods) w->real->pMethods->xClose(w->real);
    sqlite3_free(w->real);
    w->real = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  w->gather = (flags & SQLITE_OPEN_WAL) != 0;
  w->pending = new std::string();
  w->lock = new std::mutex();
  w->headerAt = -1;
  f->pMethods = &kMethods;
  return SQLITE_OK;
}
int vDelete(sqlite3_vfs*, const char* name, int syncDir) {
  return under()->xDelete(under(), name, syncDir);
}
int vAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return under()->xAccess(under(), name, flags, out);
}
int vFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return under()->xFullPathname(under(), name, n, out);
}
void* vDlOpen(sqlite3_vfs*, const char* name) {
  return under()->xDlOpen(under(), name);
}
void vDlError(sqlite3_vfs*, int n, char* out) {
  under()->xDlError(under(), n, out);
}
void (*vDlSym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return under()->xDlSym(under(), h, sym);
}
void vDlClose(sqlite3_vfs*, void* h) {
  under()->xDlClose(under(), h);
}
int vRandomness(sqlite3_vfs*, int n, char* out) {
  return under()->xRandomness(under(), n, out);
}
int vSleep(sqlite3_vfs*, int micros) {
  return under()->xSleep(under(), micros);
}
int vCurrentTime(sqlite3_vfs*, double* out) {
  return under()->xCurrentTime(under(), out);
}
int vGetLastError(sqlite3_vfs*, int n, char* out) {
  return under()->xGetLastError(under(), n, out);
}
int vCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  sqlite3_vfs* b = under();
  if (b->iVersion >= 2 && b->xCurrentTimeInt64) return b->xCurrentTimeInt64(b, out);
  double d = 0;
  int rc = b->xCurrentTime(b, &d);
  *out = static_cast<sqlite3_int64>(d * 86400000.0);
  return rc;
}

}  // namespace

const char* walGatheringVfs() {
  static const char* name = [] {
    static sqlite3_vfs vfs{};
    sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(WalFile));
    vfs.mxPathname = base ? base->mxPathname : 512;
    vfs.zName = "ordo-wal";
    vfs.xOpen = vOpen;
    vfs.xDelete = vDelete;
    vfs.xAccess = vAccess;
    vfs.xFullPathname = vFullPathname;
    vfs.xDlOpen = vDlOpen;
    vfs.xDlError = vDlError;
    vfs.xDlSym = vDlSym;
    vfs.xDlClose = vDlClose;
    vfs.xRandomness = vRandomness;
    vfs.xSleep = vSleep;
    vfs.xCurrentTime = vCurrentTime;
    vfs.xGetLastError = vGetLastError;
    vfs.xCurrentTimeInt64 = vCurrentTimeInt64;
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK ? vfs.zName : static_cast<const char*>(nullptr);
  }();
  return name;
}

}  // namespace ordo::store
