// ISO-8601 time values as BPMN timers use them: durations (P1DT2H),
// date-times (2030-01-01T09:00:00Z, with an offset or local as UTC) and
// repeating intervals (R3/PT10M, R/2030-01-01T00:00:00Z/P1D).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace ordo::jobs {

struct Duration {
  std::int64_t years = 0, months = 0;  // calendar parts, added on the calendar
  std::int64_t millis = 0;             // days and below, exact
};

// Each throws std::invalid_argument with the reason when the text is not valid.
Duration parseDuration(std::string_view text);
std::int64_t parseDateTime(std::string_view text);  // milliseconds since the epoch, UTC
std::int64_t addDuration(std::int64_t epochMillis, const Duration& d);

struct Cycle {
  std::int64_t repetitions = -1;  // -1: unbounded
  std::int64_t start = 0;         // 0: from now
  Duration interval;
};
Cycle parseCycle(std::string_view text);
// A cycle that drives a timer: as parseCycle, and it may fire at most once a second
// (R/PT0S would otherwise start thousands of instances per poll).
constexpr std::int64_t kMinimumTimerIntervalMillis = 1000;
Cycle parseTimerCycle(std::string_view text);
// Checks a literal timer value of the given kind ("date", "duration", "cycle") as a timer would use it.
void checkTimerValue(std::string_view kind, std::string_view text);

}  // namespace ordo::jobs
