// The engine's sense of time, injectable so that tests and scenarios can move it.
#pragma once

#include <atomic>
#include <cstdint>

namespace ordo {

// Milliseconds since the Unix epoch, UTC.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t nowMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t nowMillis() const override;
};

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t startMillis) : now_(startMillis) {}
  std::int64_t nowMillis() const override { return now_.load(); }
  void advance(std::int64_t millis) { now_ += millis; }
  void set(std::int64_t millis) { now_ = millis; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace ordo
