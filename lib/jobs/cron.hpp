// Cron timer cycles as Flowable and Camunda write them (Quartz syntax):
// "sec min hour day-of-month month day-of-week [year]", e.g. "0 0/5 * * * ?".
// Times are UTC.
#pragma once

#include <cstdint>
#include <string_view>

namespace ordo::jobs {

// Whether the text looks like a cron expression (six or seven fields, no ISO-8601 'R' or 'P').
bool isCron(std::string_view text);
// Throws std::invalid_argument with the reason when the expression is not valid.
void checkCron(std::string_view text);
// The first time strictly after `afterMillis` (epoch milliseconds) the expression matches;
// throws std::invalid_argument when it never matches within the next 50 years.
std::int64_t nextCronTime(std::string_view text, std::int64_t afterMillis);

}  // namespace ordo::jobs
