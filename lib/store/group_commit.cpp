#include "store/group_commit.hpp"

#include <algorithm>

namespace ordo::store {

void GroupCommit::run(const std::function<void()>& body) {
  ++arriving_;
  std::unique_lock lock(m_);
  --arriving_;
  if (!enabled_) {
    Transaction tx(c_);  // NOLINT
    body();
    try {
      tx.commit();
    } catch (...) {
      rolledBack();
      throw;
    }
    return;
  }
  // After a failed fsync the WAL's durability is unknown (its pages may be dropped): refuse.
  if (syncFailure_) std::rethrow_exception(syncFailure_);
  if (!open_) {
    c_.prepare("BEGIN IMMEDIATE").run();
    open_ = true;
    ++batch_;
    inBatch_ = 0;
  }
  const auto mine = batch_;
  // The first command of a batch has the transaction to itself: a failure rolls it all back,
  // so it needs no savepoint (two statements fewer on the common, one-thread path).
  const bool first = inBatch_ == 0;
  ++inBatch_;
  std::exception_ptr failure;
  if (!first) c_.prepare("SAVEPOINT command").run();
  try {
    body();
    if (!first) c_.prepare("RELEASE command").run();
  } catch (...) {
    failure = std::current_exception();
    if (first || sqlite3_get_autocommit(c_.handle())) {
      // Only this command's work is lost (or SQLite already rolled it all back): end the batch.
      if (first && !sqlite3_get_autocommit(c_.handle())) {
        sqlite3_exec(c_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        rolledBack();
        open_ = false;
        finished_ = mine;
        --inBatch_;
        done_.notify_all();
        std::rethrow_exception(failure);
      }
      abortBatch(mine, failure);
    } else {
      sqlite3_exec(c_.handle(), "ROLLBACK TO command; RELEASE command", nullptr, nullptr, nullptr);
    }
  }
  noteThread();
  if (finished_ >= mine) {
    // aborted above
  } else if (arriving_.load() > 0 && inBatch_ < maxBatch_) {
    // Someone is about to join this batch; the last to join commits for all.
    done_.wait(lock, [&] { return finished_ >= mine; });
  } else {
    // Commit delay: when other threads issue commands too, waiting a moment for one of them
    // lets a single fsync serve both (worth it only where a commit costs an fsync).
    // Only the first of a batch waits: a command that joined commits at once.
    if (commitDelay_.count() > 0 && inBatch_ == 1 && concurrent())
      done_.wait_for(lock, commitDelay_, [&] { return finished_ >= mine || arriving_.load() > 0; });
    if (finished_ < mine && arriving_.load() > 0 && inBatch_ < maxBatch_)
      done_.wait(lock, [&] { return finished_ >= mine; });  // it joined: the last one commits
    else if (finished_ < mine)
      commitBatch(mine);
  }
  if (auto it = failed_.find(mine); it != failed_.end()) {
    auto why = it->second.why;
    if (--it->second.members == 0) failed_.erase(it);
    std::rethrow_exception(why);
  }
  if (failure) std::rethrow_exception(failure);
  if (syncWal_) awaitDurable(lock, mine);
}

void GroupCommit::awaitDurable(std::unique_lock<std::mutex>& lock, std::uint64_t batch) {
  while (durable_ < batch) {
    if (syncFailure_) std::rethrow_exception(syncFailure_);
    if (syncing_) {
      done_.wait(lock);  // an fsync is under way; the next one, if needed, is ours or another's
      continue;
    }
    // Every batch up to finished_ has committed (or rolled back): one fsync covers them all.
    const auto upTo = finished_;
    sqlite3_file* wal = nullptr;
    sqlite3_file_control(c_.handle(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
    syncing_ = true;
    lock.unlock();
    int rc = wal && wal->pMethods ? wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) : SQLITE_MISUSE;
    lock.lock();
    syncing_ = false;
    if (rc == SQLITE_OK)
      durable_ = std::max(durable_, upTo);
    else
      syncFailure_ = std::make_exception_ptr(
          Error(ErrorCode::io_error, std::string("fsync of the write-ahead log failed (") + sqlite3_errstr(rc) +
                                         "): commands since the last fsync may be lost; reopen the engine"));
    done_.notify_all();
  }
}

void GroupCommit::noteThread() {
  recent_[next_++ % recent_.size()] = std::this_thread::get_id();
}

bool GroupCommit::concurrent() const {
  auto me = std::this_thread::get_id();
  for (const auto& id : recent_)
    if (id != std::thread::id() && id != me) return true;
  return false;
}

void GroupCommit::commitBatch(std::uint64_t batch) {
  try {
    c_.prepare("COMMIT").run();
    open_ = false;
    finished_ = batch;
    done_.notify_all();
  } catch (...) {
    abortBatch(batch, std::current_exception());
  }
}

void GroupCommit::abortBatch(std::uint64_t batch, const std::exception_ptr& why) {
  sqlite3_exec(c_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  rolledBack();
  open_ = false;
  failed_[batch] = {why, inBatch_};
  finished_ = batch;
  done_.notify_all();
}

}  // namespace ordo::store
