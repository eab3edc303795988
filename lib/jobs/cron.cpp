// Quartz cron expressions: each field is *, ?, a value, a range a-b, a list a,b and a step
// x/n (from x every n); month and weekday names (JAN, MON) as Quartz spells them. The
// refinements L, W and # are refused with a message rather than computed wrongly.
#include "jobs/cron.hpp"

#include <array>
#include <bitset>
#include <cctype>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

namespace ordo::jobs {

namespace {

struct Field {
  const char* name;
  int min, max;
};
constexpr std::array<Field, 7> kFields = {{{"second", 0, 59},
                                           {"minute", 0, 59},
                                           {"hour", 0, 23},
                                           {"day of month", 1, 31},
                                           {"month", 1, 12},
                                           {"day of week", 1, 7},
                                           {"year", 1970, 2199}}};

std::vector<std::string> split(std::string_view text, char by) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == by || (by == ' ' && (c == '\t' || c == '\n' || c == '\r'))) {
      if (!cur.empty() || by != ' ') out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty() || by != ' ') out.push_back(cur);
  return out;
}

int value(const std::string& s, std::size_t field) {
  static const char* months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  static const char* days[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  std::string up;
  for (char c : s) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (field == 4)
    for (int i = 0; i < 12; ++i)
      if (up == months[i]) return i + 1;
  if (field == 5)
    for (int i = 0; i < 7; ++i)
      if (up == days[i]) return i + 1;
  if (s.empty() || s.size() > 4 || s.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("'" + s + "' is not a valid " + kFields[field].name);
  int v = std::stoi(s);
  if (v < kFields[field].min || v > kFields[field].max)
    throw std::invalid_argument(std::string(kFields[field].name) + " " + s + " is out of range " +
                                std::to_string(kFields[field].min) + "-" + std::to_string(kFields[field].max));
  return v;
}

using Set = std::bitset<2200>;

Set parseField(const std::string& text, std::size_t field, bool& any) {
  Set out;
  any = text == "*" || text == "?";
  if (text.find_first_of("LW#") != std::string::npos)
    throw std::invalid_argument("cron refinements L, W and # are not supported ('" + text + "')");
  for (const auto& part : split(text, ',')) {
    auto slash = part.find('/');
    std::string range = part.substr(0, slash);
    int step = 1;
    if (slash != std::string::npos) {
      auto s = part.substr(slash + 1);
      if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 4 || std::stoi(s) == 0)
        throw std::invalid_argument("'" + part + "' has no valid step");
      step = std::stoi(s);
    }
    int lo = kFields[field].min, hi = kFields[field].max;
    if (range != "*" && range != "?") {
      auto dash = range.find('-');
      lo = value(range.substr(0, dash), field);
      hi = dash == std::string::npos ? (slash == std::string::npos ? lo : kFields[field].max)
                                     : value(range.substr(dash + 1), field);
      if (hi < lo) throw std::invalid_argument("range '" + range + "' runs backwards");
    }
    for (int v = lo; v <= hi; v += step) out.set(static_cast<std::size_t>(v));
  }
  return out;
}

struct Cron {
  std::array<Set, 7> sets;
  bool anyDayOfMonth = false, anyDayOfWeek = false;
};

Cron parse(std::string_view text) {
  auto fields = split(text, ' ');
  if (fields.size() != 6 && fields.size() != 7)
    throw std::invalid_argument("a cron expression has 6 or 7 fields (seconds first), not " +
                                std::to_string(fields.size()));
  if (fields.size() == 6) fields.push_back("*");
  Cron c;
  for (std::size_t i = 0; i < 7; ++i) {
    bool any = false;
    c.sets[i] = parseField(fields[i], i, any);
    if (i == 3) c.anyDayOfMonth = any;
    if (i == 5) c.anyDayOfWeek = any;
  }
  return c;
}

bool dayMatches(const Cron& c, const std::tm& t) {
  bool dom = c.sets[3].test(static_cast<std::size_t>(t.tm_mday));
  bool dow = c.sets[5].test(static_cast<std::size_t>(t.tm_wday + 1));
  if (c.anyDayOfMonth && c.anyDayOfWeek) return true;
  if (c.anyDayOfMonth) return dow;
  if (c.anyDayOfWeek) return dom;
  return dom || dow;  // both given: either matches, as classic cron reads it
}

}  // namespace

bool isCron(std::string_view text) {
  auto fields = split(text, ' ');
  if (fields.size() != 6 && fields.size() != 7) return false;
  return !text.empty() && text.front() != 'R' && text.front() != 'P';
}

void checkCron(std::string_view text) {
  nextCronTime(text, 1'800'000'000'000);
}

std::int64_t nextCronTime(std::string_view text, std::int64_t afterMillis) {
  Cron c = parse(text);
  std::time_t t = static_cast<std::time_t>(afterMillis / 1000) + 1;  // strictly after, on whole seconds
  const std::time_t limit = t + 50LL * 366 * 24 * 3600;
  while (t < limit) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    auto year = static_cast<std::size_t>(tm.tm_year + 1900);
    if (year >= 2200 || !c.sets[6].test(year)) {  // next year
      tm.tm_year += 1, tm.tm_mon = 0, tm.tm_mday = 1, tm.tm_hour = 0, tm.tm_min = 0, tm.tm_sec = 0;
      t = timegm(&tm);
      continue;
    }
    if (!c.sets[4].test(static_cast<std::size_t>(tm.tm_mon + 1))) {  // next month
      tm.tm_mon += 1, tm.tm_mday = 1, tm.tm_hour = 0, tm.tm_min = 0, tm.tm_sec = 0;
      t = timegm(&tm);
      continue;
    }
    if (!dayMatches(c, tm)) {
      tm.tm_mday += 1, tm.tm_hour = 0, tm.tm_min = 0, tm.tm_sec = 0;
      t = timegm(&tm);
      continue;
    }
    if (!c.sets[2].test(static_cast<std::size_t>(tm.tm_hour))) {
      tm.tm_hour += 1, tm.tm_min = 0, tm.tm_sec = 0;
      t = timegm(&tm);
      continue;
    }
    if (!c.sets[1].test(static_cast<std::size_t>(tm.tm_min))) {
      tm.tm_min += 1, tm.tm_sec = 0;
      t = timegm(&tm);
      continue;
    }
    if (!c.sets[0].test(static_cast<std::size_t>(tm.tm_sec))) {
      t += 1;
      continue;
    }
    return static_cast<std::int64_t>(t) * 1000;
  }
  throw std::invalid_argument("cron expression '" + std::string(text) + "' never matches");
}

}  // namespace ordo::jobs
