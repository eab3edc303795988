// Working hours for SLA deadlines (工单告警): which weekdays and hours count, and holidays.
// "Mon-Fri 09:00-18:00", "Mon,Wed,Fri 08:30-12:00 except 2026-10-01,2026-10-02". Local time.
#pragma once

#include <cstdint>
#include <set>
#include <string_view>

namespace ordo::jobs {

struct WorkingHours {
  unsigned weekdays = 0;  // bit 0 Sunday … bit 6 Saturday
  int startMinute = 0, endMinute = 0;
  std::set<int> holidays;  // yyyymmdd
};

// Throws std::invalid_argument with the reason.
WorkingHours parseWorkingHours(std::string_view text);
// `epochMillis` plus an ISO-8601 duration counted in working time: weeks are five working days,
// days working days, the time part working hours. Years and months are refused.
std::int64_t addWorkingTime(std::int64_t epochMillis, std::string_view duration, const WorkingHours& hours);

}  // namespace ordo::jobs
