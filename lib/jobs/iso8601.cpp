#include "jobs/iso8601.hpp"

#include "jobs/cron.hpp"

#include <cctype>
#include <ctime>
#include <string>

namespace ordo::jobs {

namespace {

[[noreturn]] void bad(std::string_view text, const char* why) {
  throw std::invalid_argument(std::string(why) + " in '" + std::string(text) + "'");
}

// Timers live within +-10,000 years of the epoch; anything beyond is a mistake, never UB.
constexpr std::int64_t kMaxMillis = 10'000LL * 366 * 86'400'000;

std::int64_t mul(std::int64_t a, std::int64_t b, std::string_view text) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r) || r > kMaxMillis || r < -kMaxMillis) bad(text, "the value is too large");
  return r;
}

std::int64_t add(std::int64_t a, std::int64_t b, std::string_view text) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r) || r > kMaxMillis || r < -kMaxMillis) bad(text, "the value is too large");
  return r;
}

// Reads digits (with an optional fraction) at pos; returns value * 1000 (milli-units).
std::int64_t number(std::string_view s, std::size_t& pos, std::string_view text) {
  std::size_t start = pos;
  std::int64_t whole = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    if (whole > 1'000'000'000'000LL) bad(text, "number too large");
    whole = whole * 10 + (s[pos++] - '0');
  }
  std::int64_t frac = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    std::int64_t scale = 100;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac += (s[pos++] - '0') * scale;
      scale /= 10;
    }
  }
  if (pos == start) bad(text, "a number is missing");
  return whole * 1000 + frac;
}

int fixedDigits(std::string_view s, std::size_t& pos, int n, std::string_view text) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[pos]))) bad(text, "malformed date-time");
    v = v * 10 + (s[pos++] - '0');
  }
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Duration parseDuration(std::string_view input) {
  auto s = trim(input);
  if (s.empty() || s[0] != 'P') bad(input, "a duration starts with P");
  Duration d;
  std::size_t pos = 1;
  bool time = false, any = false;
  while (pos < s.size()) {
    if (s[pos] == 'T') {
      if (time) bad(input, "T given twice");
      time = true;
      ++pos;
      continue;
    }
    auto v = number(s, pos, input);
    if (pos >= s.size()) bad(input, "a number without a unit");
    char unit = s[pos++];
    any = true;
    if (!time) {
      switch (unit) {
        case 'Y': d.years = add(d.years, v / 1000, input); break;
        case 'M': d.months = add(d.months, v / 1000, input); break;
        case 'W': d.millis = add(d.millis, mul(v, 7 * 86400, input), input); break;
        case 'D': d.millis = add(d.millis, mul(v, 86400, input), input); break;
        default: bad(input, "unknown date unit");
      }
    } else {
      switch (unit) {
        case 'H': d.millis = add(d.millis, mul(v, 3600, input), input); break;
        case 'M': d.millis = add(d.millis, mul(v, 60, input), input); break;
        case 'S': d.millis = add(d.millis, v, input); break;
        default: bad(input, "unknown time unit");
      }
    }
  }
  if (!any) bad(input, "a duration needs at least one part");
  if (d.years > 10'000 || d.months > 120'000) bad(input, "the value is too large");
  return d;
}

std::int64_t parseDateTime(std::string_view input) {
  auto s = trim(input);
  std::size_t pos = 0;
  std::tm tm{};
  // Reduced precision (ISO 8601 4.2.2.3, as Joda reads it for both engines): '2026', '2026-01'
  // and '2026-01-05T09' are the start of that year, month and hour.
  tm.tm_year = fixedDigits(s, pos, 4, input) - 1900;
  tm.tm_mday = 1;
  if (pos < s.size() && s[pos] == '-') {
    ++pos;
    tm.tm_mon = fixedDigits(s, pos, 2, input) - 1;
    if (pos < s.size() && s[pos] == '-') {
      ++pos;
      tm.tm_mday = fixedDigits(s, pos, 2, input);
    } else if (pos < s.size()) {
      bad(input, "expected '-'");
    }
  } else if (pos < s.size()) {
    bad(input, "expected '-'");
  }
  std::int64_t millis = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    ++pos;
    tm.tm_hour = fixedDigits(s, pos, 2, input);
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      tm.tm_min = fixedDigits(s, pos, 2, input);
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      tm.tm_sec = fixedDigits(s, pos, 2, input);
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::int64_t scale = 100;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
          millis += (s[pos++] - '0') * scale;
          scale /= 10;
        }
      }
    }
  }
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    bad(input, "a field is out of range");
  std::int64_t offsetSeconds = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos++] == '-' ? -1 : 1;
      int hh = fixedDigits(s, pos, 2, input);
      if (pos < s.size() && s[pos] == ':') ++pos;
      int mm = pos < s.size() ? fixedDigits(s, pos, 2, input) : 0;
      offsetSeconds = sign * (hh * 3600 + mm * 60);
    }
  }
  if (pos != s.size()) bad(input, "unexpected text after the date-time");
  auto seconds = static_cast<std::int64_t>(timegm(&tm)) - offsetSeconds;
  return seconds * 1000 + millis;
}

std::int64_t addDuration(std::int64_t epochMillis, const Duration& d) {
  const std::string_view what = "a time plus a duration";
  if (d.years > 10'000 || d.years < -10'000 || d.months > 120'000 || d.months < -120'000)
    bad(what, "the value is too large");
  if (d.years || d.months) {
    std::time_t secs = static_cast<std::time_t>(epochMillis / 1000);
    std::tm tm{};
    if (!gmtime_r(&secs, &tm)) bad(what, "the value is too large");
    tm.tm_year += static_cast<int>(d.years);
    tm.tm_mon += static_cast<int>(d.months);
    epochMillis = add(mul(static_cast<std::int64_t>(timegm(&tm)), 1000, what), epochMillis % 1000, what);
  }
  return add(epochMillis, d.millis, what);
}

Cycle parseCycle(std::string_view input) {
  auto s = trim(input);
  if (s.empty() || s[0] != 'R') bad(input, "a cycle starts with R");
  Cycle c;
  auto slash = s.find('/');
  if (slash == std::string_view::npos) bad(input, "a cycle needs R<n>/<interval>");
  auto reps = s.substr(1, slash - 1);
  if (!reps.empty()) {
    std::size_t p = 0;
    c.repetitions = number(reps, p, input) / 1000;
    if (p != reps.size()) bad(input, "malformed repetition count");
  }
  auto rest = s.substr(slash + 1);
  auto second = rest.find('/');
  if (second == std::string_view::npos) {
    c.interval = parseDuration(rest);
  } else {
    auto a = rest.substr(0, second), b = rest.substr(second + 1);
    if (!a.empty() && a[0] == 'P') {
      c.interval = parseDuration(a);
    } else {
      c.start = parseDateTime(a);
      c.interval = parseDuration(b);
    }
  }
  return c;
}

Cycle parseTimerCycle(std::string_view input) {
  auto c = parseCycle(input);
  if (c.interval.years == 0 && c.interval.months == 0 && c.interval.millis < kMinimumTimerIntervalMillis)
    bad(input, "a repeating timer's interval must be at least one second");
  return c;
}

void checkTimerValue(std::string_view kind, std::string_view text) {
  constexpr std::int64_t someTime = 1'800'000'000'000;  // a time in 2027: far from both ends of the range
  if (kind == "date") {
    parseDateTime(text);
  } else if (kind == "duration") {
    addDuration(someTime, parseDuration(text));
  } else if (isCron(text)) {
    checkCron(text);
  } else {
    auto c = parseTimerCycle(text);
    addDuration(c.start ? c.start : someTime, c.interval);
  }
}

}  // namespace ordo::jobs
