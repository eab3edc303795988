#include "jobs/working_hours.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>
#include <tuple>

#include "jobs/iso8601.hpp"

namespace ordo::jobs {

namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

int dayIndex(std::string_view name) {
  for (int i = 0; i < 7; ++i)
    if (name == kDays[i]) return i;
  throw std::invalid_argument("'" + std::string(name) + "' is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
}

int minuteOf(std::string_view hhmm) {
  int h = -1, m = -1;
  char tail = 0;
  if (hhmm.size() != 5 || std::sscanf(std::string(hhmm).c_str(), "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 ||
      h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
    throw std::invalid_argument("'" + std::string(hhmm) + "' is not a time of day (HH:MM)");
  return h * 60 + m;
}

std::string_view word(std::string_view& text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  auto end = text.find(' ');
  auto w = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  return w;
}

// Local midnight of the day holding `t`, plus `days` days and `minute` minutes (DST-safe).
std::time_t at(std::time_t t, int days, int minute, std::tm* out = nullptr) {
  std::tm tm{};
  localtime_r(&t, &tm);
  tm.tm_mday += days;
  tm.tm_hour = minute / 60;
  tm.tm_min = minute % 60;
  tm.tm_sec = 0;
  tm.tm_isdst = -1;
  std::time_t r = std::mktime(&tm);
  if (out) *out = tm;
  return r;
}

bool working(const WorkingHours& w, std::time_t day) {
  std::tm tm{};
  localtime_r(&day, &tm);
  int date = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
  return (w.weekdays >> tm.tm_wday & 1) && !w.holidays.count(date);
}

// The working window holding `t` or the next one after it (seconds): its opening and end.
std::pair<std::time_t, std::time_t> window(const WorkingHours& w, std::time_t t) {
  for (int d = 0; d < 3660; ++d) {
    std::time_t day = at(t, d, 12 * 60);
    if (!working(w, day)) continue;
    std::time_t open = at(t, d, w.startMinute), close = at(t, d, w.endMinute);
    if (close <= t) continue;
    return {open, close};
  }
  throw std::invalid_argument("no working time within ten years");
}

}  // namespace

WorkingHours parseWorkingHours(std::string_view text) {
  WorkingHours w;
  auto days = word(text), hours = word(text);
  if (days.empty() || hours.empty())
    throw std::invalid_argument("expected weekdays and hours, e.g. 'Mon-Fri 09:00-18:00'");
  for (std::string_view rest = days; !rest.empty();) {
    auto comma = rest.find(',');
    auto part = rest.substr(0, comma);
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    auto dash = part.find('-');
    int a = dayIndex(part.substr(0, dash)), b = dash == std::string_view::npos ? a : dayIndex(part.substr(dash + 1));
    for (int d = a;; d = (d + 1) % 7) {
      w.weekdays |= 1u << d;
      if (d == b) break;
    }
  }
  auto dash = hours.find('-');
  if (dash == std::string_view::npos) throw std::invalid_argument("hours: expected HH:MM-HH:MM");
  w.startMinute = minuteOf(hours.substr(0, dash));
  w.endMinute = minuteOf(hours.substr(dash + 1));
  if (w.endMinute <= w.startMinute) throw std::invalid_argument("hours: the end must be after the start");
  auto except = word(text);
  if (!except.empty()) {
    if (except != "except") throw std::invalid_argument("expected 'except' and holidays, got '" + std::string(except) + "'");
    auto list = word(text);
    if (list.empty()) throw std::invalid_argument("'except' needs dates (YYYY-MM-DD,...)");
    for (std::string_view rest = list; !rest.empty();) {
      auto comma = rest.find(',');
      std::string date(rest.substr(0, comma));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
      int y = 0, m = 0, d = 0;
      char tail = 0;
      if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
          d < 1 || d > 31)
        throw std::invalid_argument("'" + date + "' is not a date (YYYY-MM-DD)");
      w.holidays.insert(y * 10000 + m * 100 + d);
    }
  }
  if (!word(text).empty()) throw std::invalid_argument("unexpected text after the holidays");
  return w;
}

std::int64_t addWorkingTime(std::int64_t epochMillis, std::string_view duration, const WorkingHours& w) {
  auto d = parseDuration(duration);
  if (d.years || d.months) throw std::invalid_argument("years and months do not count in working time");
  // The date part (weeks, days) counts working days; the rest working hours.
  std::int64_t days = 0;
  auto t = duration.find('T');
  std::string_view datePart = duration.substr(0, t);
  std::int64_t number = 0;
  for (char ch : datePart.substr(1)) {
    if (ch >= '0' && ch <= '9')
      number = number * 10 + (ch - '0');
    else if (ch == 'W')
      days += 5 * number, number = 0;
    else if (ch == 'D')
      days += number, number = 0;
    else
      number = 0;
  }
  std::int64_t left = d.millis - (datePart.find('W') != std::string_view::npos || datePart.find('D') != std::string_view::npos
                                      ? parseDuration(std::string(datePart)).millis
                                      : 0);
  std::time_t now = static_cast<std::time_t>(epochMillis / 1000);
  std::int64_t sub = epochMillis % 1000;
  auto [open, close] = window(w, now);
  if (open > now) now = open, sub = 0;  // counted from outside the hours: from the next opening
  for (std::int64_t k = 0; k < days; ++k) {
    // The same time into the next working day's window (its end when that window is shorter).
    auto into = now - open;
    std::tie(open, close) = window(w, at(now, 1, 0));
    now = std::min(open + into, close);
  }
  std::int64_t ms = static_cast<std::int64_t>(now) * 1000 + sub;
  while (left > 0) {
    std::int64_t room = static_cast<std::int64_t>(close) * 1000 - ms;
    if (left <= room) return ms + left;
    left -= room;
    std::tie(open, close) = window(w, close);
    ms = static_cast<std::int64_t>(open) * 1000;
  }
  return ms;
}

}  // namespace ordo::jobs
