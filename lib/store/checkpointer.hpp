// The WAL's checkpoints off the command path. SQLite's own (wal_autocheckpoint) runs inside the
// COMMIT that crosses the threshold: that command copies thousands of pages into the database
// file and waits for two fsyncs, which under NORMAL was half of all COMMIT time. Here the
// writer's commits only note the log's size (a WAL hook); past `frames` a thread of the
// store's, on a connection of its own, checkpoints what it can while commands go on (PASSIVE:
// never waits, never blocks the writer), syncs the file and the log, then takes the writer's
// mutex for the short rest (a few frames and two small syncs), so that the log is wholly copied
// and the next transaction starts it over (the file stays near `frames` pages instead of
// growing under a writer that never pauses).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite.hpp"

namespace ordo::store {

class Checkpointer {
 public:
  // `writer` is hooked (its SQLite autocheckpoint replaced); `writeMutex` is held by whoever
  // uses it. Both outlive this.
  Checkpointer(const std::string& path, SqliteConnection& writer, std::mutex& writeMutex, int frames);
  ~Checkpointer();  // stops the thread (a checkpoint under way finishes first)
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  static int walHook(void* self, sqlite3*, const char*, int frames);
  void loop();

  SqliteConnection& writer_;
  std::mutex& writeMutex_;
  int frames_;
  std::unique_ptr<SqliteConnection> own_;
  std::mutex m_;
  std::condition_variable wake_;
  bool due_ = false, stop_ = false;
  std::thread thread_;
};

}  // namespace ordo::store
