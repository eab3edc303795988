// Group commit: commands arriving together share one transaction. Each runs in
// its own savepoint on its own thread (a failing command rolls back only
// itself); the last command of a batch commits for all, so one WAL write and
// one fsync serve many. A command returns only after its batch committed:
// nothing is acknowledged before it is on disk.
// With syncWal, the connection commits without fsync (synchronous=NORMAL) and the
// WAL is fsynced here, outside the writer: the next batch runs its statements while
// the last one's fsync is under way, and one fsync covers every batch committed
// before it began. A command still returns only once an fsync that began after its
// commit has finished.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "store/sqlite.hpp"

namespace ordo::store {

class GroupCommit {
 public:
  // `enabled` false: one transaction per command (used for ":memory:", where reads share the writer).
  // commitDelay: how long the last command of a batch waits for another thread's command to
  // join before it commits, when other threads issue commands too (0: never wait).
  GroupCommit(SqliteConnection& writer, std::mutex& writeMutex, bool enabled,
              std::chrono::microseconds commitDelay = std::chrono::microseconds(0), int maxBatch = 64,
              bool syncWal = false)
      : c_(writer),
        m_(writeMutex),
        enabled_(enabled),
        syncWal_(syncWal && enabled),
        maxBatch_(maxBatch),
        commitDelay_(commitDelay) {}

  // Runs `body` with the writer held, inside the shared transaction.
  void run(const std::function<void()>& body);
  // Called with the writer held whenever work of a command that succeeded is rolled back (a
  // failed COMMIT, or a failure that ended the batch), before any other command runs: what the
  // writer remembers of its own writes is forgotten there.
  void onRollback(std::function<void()> f) { onRollback_ = std::move(f); }

 private:
  void commitBatch(std::uint64_t batch);  // with m_ held
  void noteThread();                      // remembers which threads issued the last commands
  bool concurrent() const;                // another thread among them
  void abortBatch(std::uint64_t batch, const std::exception_ptr& why);
  void awaitDurable(std::unique_lock<std::mutex>& lock, std::uint64_t batch);  // syncWal: its fsync done

  void rolledBack() {
    if (onRollback_) onRollback_();
  }

  SqliteConnection& c_;
  std::mutex& m_;
  std::function<void()> onRollback_;
  bool enabled_;
  bool syncWal_;
  int maxBatch_;
  std::chrono::microseconds commitDelay_;
  std::array<std::thread::id, 16> recent_{};
  std::size_t next_ = 0;
  std::condition_variable done_;
  std::atomic<int> arriving_{0};
  bool open_ = false;
  std::uint64_t batch_ = 0, finished_ = 0;
  int inBatch_ = 0;
  struct Failure {
    std::exception_ptr why;
    int members;  // still to learn of it
  };
  std::map<std::uint64_t, Failure> failed_;  // batches that could not commit
  std::uint64_t durable_ = 0;                // syncWal: batches up to this one are fsynced
  bool syncing_ = false;                     // a thread is in fsync (without the writer)
  std::exception_ptr syncFailure_;           // a failed fsync: nothing committed since is known durable
};

}  // namespace ordo::store
