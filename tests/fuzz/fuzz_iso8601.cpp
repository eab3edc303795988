// libFuzzer: ISO-8601 durations, date-times and cycles as timers use them, and the
// arithmetic a timer does with them (a duration added to dates across the whole range).
// Only std::invalid_argument may come out; UBSan catches any signed overflow.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "jobs/iso8601.hpp"

using namespace ordo::jobs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Instants a timer may start from: now-ish, the epoch, far past and far future.
  const std::int64_t bases[] = {1'800'000'000'000, 0, -62'135'596'800'000, 253'402'300'799'999, -1};
  try {
    auto d = parseDuration(text);
    for (auto base : bases) try {
        (void)addDuration(base, d);
      } catch (const std::invalid_argument&) {
      }
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)parseDateTime(text);
  } catch (const std::invalid_argument&) {
  }
  try {
    auto c = parseCycle(text);
    for (auto base : bases) try {
        (void)addDuration(c.start ? c.start : base, c.interval);
      } catch (const std::invalid_argument&) {
      }
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)parseTimerCycle(text);
  } catch (const std::invalid_argument&) {
  }
  for (const char* kind : {"date", "duration", "cycle"}) try {
      checkTimerValue(kind, text);
    } catch (const std::invalid_argument&) {
    }
  return 0;
}
