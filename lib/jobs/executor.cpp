#include "jobs/executor.hpp"

namespace ordo::jobs {

bool Executor::start(std::int64_t pollMillis, std::function<void()> round) {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return false;
  stop_ = false;
  thread_ = std::thread([this, pollMillis, round = std::move(round)] {
    std::unique_lock held(mutex_);
    while (!stop_) {
      held.unlock();
      try {
        round();
      } catch (...) {
        // A failing job is recorded by the round itself; anything else (a busy database) waits for the next.
      }
      held.lock();
      wake_.wait_for(held, std::chrono::milliseconds(pollMillis), [&] { return stop_; });
    }
  });
  return true;
}

void Executor::stop() {
  std::thread t;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    t = std::move(thread_);
  }
  wake_.notify_all();
  if (t.joinable()) t.join();
}

bool Executor::running() const {
  std::lock_guard lock(mutex_);
  return thread_.joinable();
}

}  // namespace ordo::jobs
