// A SQLite VFS that simulates power loss. It wraps the default ("unix") VFS: every
// read and write reaches the real file, as the operating system's page cache would
// hold it, and the VFS also keeps, per file, the content a disk would hold — what the
// last xSync made durable — and the writes and truncations since. At a chosen moment
// the power is cut: that operation and every later write, sync, truncate and delete
// fail with SQLITE_IOERR (the machine is off; nothing more reaches the disk). After the
// program has closed its connections, powerLoss() rewrites each file to what a disk
// holds after the cut: the synced content, and in the "scattered" mode also any subset
// of the unsynced writes, the last of them torn (its first sectors new, the rest
// garbage) — within the written range only, as SQLite's powersafe-overwrite assumes.
// The shared-memory index (-shm) lives in memory, so it is gone.
//
// Simplifications, on purpose: creating and deleting a file is durable at once (SQLite
// syncs the directory where it matters); real fsync is skipped (the model is the disk).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace ordo::test {

class CrashVfs {
 public:
  enum class Loss {
    syncedOnly,  // only what was synced survives
    scattered,   // plus a random subset of the unsynced writes, the last one torn
  };

  // Registers the VFS under the name "crash" as the default VFS of the process.
  static CrashVfs& install();
  // Makes "unix" the default again.
  static void uninstall();

  // Cuts the power at the `n`th write, sync, truncate or delete from now (1: the next); 0: never.
  void armAt(std::int64_t n);
  bool cut() const;
  // A disk that acknowledges fsync and keeps nothing of it: what synchronous=OFF amounts to.
  void setLyingDisk(bool lying);
  // Writes, syncs, truncates and deletes counted since the last armAt or forget.
  std::int64_t operations() const;
  std::int64_t syncs() const;
  // Rewrites every file as a disk holds it after the cut (call with no connection open) and
  // restores the power. Returns how many unsynced writes survived (scattered) or were dropped.
  struct Outcome {
    std::int64_t unsyncedDropped = 0, unsyncedKept = 0, torn = 0;
  };
  Outcome powerLoss(Loss loss, std::mt19937& rng);
  // Forgets every file (with none open): the next run starts from what is on disk.
  void forget();

  // Internal: the wrapped VFS's entry points.
  struct File;
  int open(const char* name, File* f, int flags, int* outFlags);
  int remove(const char* name, int syncDir);
  int write(File* f, const void* data, int amount, sqlite3_int64 offset);
  int truncate(File* f, sqlite3_int64 size);
  int sync(File* f, int flags);

 private:
  struct Op {
    bool truncate = false;
    sqlite3_int64 offset = 0;  // the truncated size for a truncation
    std::string data;
  };
  struct Disk {
    std::string durable;      // what the disk holds
    std::vector<Op> pending;  // since the last sync, in order
  };
  // True when the operation may proceed; false when the power is (now) off.
  bool tick();
  static void apply(std::string& content, const Op& op);

  mutable std::mutex m_;
  std::map<std::string, Disk> disks_;
  std::int64_t ops_ = 0, syncs_ = 0, cutAt_ = 0;
  bool cut_ = false, lying_ = false;
  sqlite3_vfs vfs_{};
  sqlite3_vfs* real_ = nullptr;
};

}  // namespace ordo::test
