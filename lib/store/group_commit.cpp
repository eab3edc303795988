#include "store/group_commit.hpp"

#include <algorithm>

namespace ordo::store {

void GroupCommit::run(const std::function<void()>& body) {
  if (!enabled_) {
    std::lock_guard writer(m_);
    Transaction tx(c_);  // NOLINT
    body();
    try {
      if (onSucceeded_) onSucceeded_();
      if (beforeCommit_) beforeCommit_();
      tx.commit();
    } catch (...) {
      rolledBack();
      throw;
    }
    return;
  }
  Request self{&body};
  std::unique_lock queued(q_);
  // After a failed fsync the WAL's durability is unknown (its pages may be dropped): refuse.
  if (syncFailure_) std::rethrow_exception(syncFailure_);
  queue_.push_back(&self);
  if (!leading_) {
    leading_ = true;
    self.lead = true;
  }
  while (!self.done) {
    if (self.lead) {
      self.lead = false;
      lead(queued, self);
    } else {
      self.wake.wait(queued);
    }
  }
  if (self.error) std::rethrow_exception(self.error);
}

void GroupCommit::lead(std::unique_lock<std::mutex>& queued, Request& self) {
  std::vector<Request*> batch;
  while (!queue_.empty() && static_cast<int>(batch.size()) < maxBatch_) {
    batch.push_back(queue_.front());
    queue_.pop_front();
  }
  const auto refused = syncFailure_;
  queued.unlock();
  sqlite3_file* wal = nullptr;
  if (refused) {
    for (auto* r : batch) r->error = refused;
  } else {
    std::lock_guard writer(m_);
    execute(batch);
    // The log's file, for the fsync below (taken with the writer held: the connection is not ours after).
    if (syncWal_) sqlite3_file_control(c_.handle(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
  }
  queued.lock();
  const auto number = ++committed_;
  // Whoever queued first since leads the next batch, while this one's fsync is under way.
  if (!queue_.empty()) {
    queue_.front()->lead = true;
    queue_.front()->wake.notify_one();
  } else {
    leading_ = false;
  }
  const bool committed = std::any_of(batch.begin(), batch.end(), [](const Request* r) { return !r->error; });
  if (syncWal_ && committed) try {
      awaitDurable(queued, number, wal);
    } catch (...) {
      for (auto* r : batch)
        if (!r->error) r->error = std::current_exception();
    }
  for (auto* r : batch) {
    r->done = true;
    if (r != &self) r->wake.notify_one();
  }
}

void GroupCommit::execute(std::vector<Request*>& batch) {
  auto* db = c_.handle();
  bool open = false;
  std::vector<Request*> members;  // those that succeeded in the open transaction
  // The open transaction is gone (rolled back here or by SQLite): its members fail with `why`.
  auto lose = [&](const std::exception_ptr& why) {
    if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    rolledBack();
    for (auto* r : members) r->error = why;
    members.clear();
    open = false;
  };
  for (auto* r : batch) {
    if (!open) try {
        c_.prepare("BEGIN IMMEDIATE").run();
        open = true;
      } catch (...) {
        r->error = std::current_exception();
        continue;
      }
    // The first command of a transaction has it to itself: a failure rolls it all back, so it
    // needs no savepoint (two statements fewer on the common, one-caller path).
    const bool first = members.empty();
    try {
      if (!first) c_.prepare("SAVEPOINT command").run();
      (*r->body)();
      if (!first) c_.prepare("RELEASE command").run();
    } catch (...) {
      r->error = std::current_exception();
      if (first || sqlite3_get_autocommit(db))
        lose(r->error);  // nothing else in it, or SQLite already rolled it all back
      else
        sqlite3_exec(db, "ROLLBACK TO command; RELEASE command", nullptr, nullptr, nullptr);
      continue;
    }
    members.push_back(r);
    try {
      if (onSucceeded_) onSucceeded_();
    } catch (...) {
      lose(std::current_exception());  // its work is released into the transaction: all of it goes
    }
  }
  if (open) try {
      if (beforeCommit_) beforeCommit_();
      c_.prepare("COMMIT").run();
    } catch (...) {
      lose(std::current_exception());
    }
}

void GroupCommit::awaitDurable(std::unique_lock<std::mutex>& queued, std::uint64_t batch, sqlite3_file* wal) {
  while (durable_ < batch) {
    if (syncFailure_) std::rethrow_exception(syncFailure_);
    if (syncing_) {
      synced_.wait(queued);  // an fsync is under way; the next one, if needed, is ours or another's
      continue;
    }
    // Every batch numbered so far has committed (or rolled back): one fsync covers them all.
    const auto upTo = committed_;
    syncing_ = true;
    queued.unlock();
    int rc = wal && wal->pMethods ? wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) : SQLITE_MISUSE;
    queued.lock();
    syncing_ = false;
    if (rc == SQLITE_OK)
      durable_ = std::max(durable_, upTo);
    else
      syncFailure_ = std::make_exception_ptr(
          Error(ErrorCode::io_error, std::string("fsync of the write-ahead log failed (") + sqlite3_errstr(rc) +
                                         "): commands since the last fsync may be lost; reopen the engine"));
    synced_.notify_all();
  }
}

}  // namespace ordo::store
