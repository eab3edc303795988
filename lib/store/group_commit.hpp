// Group commit: commands arriving together share one transaction. The thread that
// finds no batch running leads: it runs the bodies of every command queued so far one
// after the other on its own thread (flat combining), each in its own savepoint (a
// failing command rolls back only itself), and commits once for all, so one WAL write
// and one fsync serve many, and the writer passes from command to command without a
// thread switch. A command returns only after its batch committed: nothing is
// acknowledged before it is on disk.
// With syncWal, the connection commits without fsync (synchronous=NORMAL) and the WAL
// is fsynced here, outside the writer: the next leader runs its batch while the last
// one's fsync is under way, and one fsync covers every batch committed before it began.
// A command still returns only once an fsync that began after its commit has finished.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "store/sqlite.hpp"

namespace ordo::store {

class GroupCommit {
 public:
  // `enabled` false: one transaction per command on the caller's thread (used for ":memory:",
  // where reads share the writer).
  GroupCommit(SqliteConnection& writer, std::mutex& writeMutex, bool enabled, int maxBatch = 64,
              bool syncWal = false)
      : c_(writer), m_(writeMutex), enabled_(enabled), syncWal_(syncWal && enabled), maxBatch_(maxBatch) {}

  // Runs `body` with the writer held, inside the shared transaction, on this thread or on the
  // thread leading its batch (`body` must not care which); returns once it is durable, or
  // rethrows what `body` threw, or why its batch could not commit.
  void run(const std::function<void()>& body);
  // Called with the writer held whenever work of a command that succeeded is rolled back (a
  // failed COMMIT, or a failure that ended the transaction), before any other command runs:
  // what the writer remembers of its own writes is forgotten there.
  void onRollback(std::function<void()> f) { onRollback_ = std::move(f); }
  // Called with the writer held after each command succeeded in the transaction (its savepoint
  // released), and just before the COMMIT (what it writes commits with the batch; a throw rolls
  // the transaction back).
  void onSucceeded(std::function<void()> f) { onSucceeded_ = std::move(f); }
  void beforeCommit(std::function<void()> f) { beforeCommit_ = std::move(f); }

 private:
  struct Request {
    const std::function<void()>* body;
    std::exception_ptr error;
    std::condition_variable wake;  // its thread: done, or lead the next batch
    bool done = false;
    bool lead = false;
  };

  void lead(std::unique_lock<std::mutex>& queued, Request& self);  // runs one batch; q_ held on entry and exit
  void execute(std::vector<Request*>& batch);                      // with m_ held: bodies, then COMMIT
  // syncWal: an fsync that began after `batch` committed is done; `wal` is the log's file.
  void awaitDurable(std::unique_lock<std::mutex>& queued, std::uint64_t batch, sqlite3_file* wal);

  void rolledBack() {
    if (onRollback_) onRollback_();
  }

  SqliteConnection& c_;
  std::mutex& m_;  // the writer
  std::function<void()> onRollback_, onSucceeded_, beforeCommit_;
  bool enabled_;
  bool syncWal_;
  int maxBatch_;

  std::mutex q_;                  // what follows
  std::deque<Request*> queue_;    // commands waiting for a batch
  bool leading_ = false;          // a thread is taking or running a batch
  std::uint64_t committed_ = 0;   // batches numbered after their COMMIT returned
  std::uint64_t durable_ = 0;     // syncWal: batches up to this one are fsynced
  bool syncing_ = false;          // a thread is in fsync (without the writer)
  std::condition_variable synced_;
  std::exception_ptr syncFailure_;  // a failed fsync: nothing committed since is known durable
};

}  // namespace ordo::store
