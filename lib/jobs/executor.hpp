// The job executor: a thread of the engine's own that runs due jobs, at least every
// poll interval and at once when woken (a job was created or an incident resolved).
// What running a round means is the caller's: the executor owns only the thread,
// the wake-ups and the stop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace ordo::jobs {

class Executor {
 public:
  ~Executor() { stop(); }

  // Starts the thread; `round` runs due jobs and may throw (retried next round).
  // Returns false when it is already running.
  bool start(std::int64_t pollMillis, std::function<void()> round);
  // Stops the thread and waits for the round in progress to end. Safe to call twice.
  void stop();
  void wake() { wake_.notify_all(); }
  bool running() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  bool stop_ = false;
};

}  // namespace ordo::jobs
