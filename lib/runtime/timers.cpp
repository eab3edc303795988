// Timer jobs: created from an event's ISO-8601 value, repeated by cycles, removed with their token.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "jobs/cron.hpp"
#include "jobs/iso8601.hpp"
#include "model/graph.hpp"
#include "runtime/execution.hpp"

namespace ordo::runtime {

using model::FlowNode;
using model::NodeKind;
using model::SequenceFlow;

void Execution::createTimerJob(Token& owner, const FlowNode& eventNode) {
  const auto* def = eventNode.event(model::EventType::timer);
  std::string text = def->timer.expression;
  if (text.find("${") != std::string::npos || text.find("#{") != std::string::npos) {
    auto v = evaluate(owner, text, eventNode.id);
    text = v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
  }
  std::int64_t due = 0;
  try {
    using T = model::TimerDefinition::Type;
    if (def->timer.type == T::duration) {
      due = jobs::addDuration(now(), jobs::parseDuration(text));
    } else if (def->timer.type == T::date) {
      due = jobs::parseDateTime(text);
    } else if (jobs::isCron(text)) {
      due = jobs::nextCronTime(text, now());
    } else {
      auto cycle = jobs::parseTimerCycle(text);
      due = jobs::addDuration(cycle.start ? cycle.start : now(), cycle.interval);
    }
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::invalid_argument,
                "timer of " + eventNode.label() + ": '" + text + "' is not a valid ISO-8601 value: " + e.what(),
                eventNode.id);
  }
  JobRow job;
  job.id = ids_.next("jobs");
  job.tokenId = owner.id;
  job.kind = "timer";
  job.element = eventNode.id;
  job.dueAt = due;
  if (def->timer.type == model::TimerDefinition::Type::cycle && jobs::isCron(text)) {
    job.data = {{"cycle", text}, {"remaining", -1}};  // a cron cycle repeats while its owner waits
  } else if (def->timer.type == model::TimerDefinition::Type::cycle) {
    auto cycle = jobs::parseCycle(text);
    // Repetitions after this one; -1: for as long as the owner waits.
    job.data = {{"cycle", text}, {"remaining", cycle.repetitions < 0 ? -1 : cycle.repetitions - 1}};
  }
  applyRetryCycle(job, eventNode);
  job.isNew = true;
  state_.jobs.push_back(std::move(job));
}

// A cycle timer that fired schedules its next occurrence, unless its repetitions are spent.
void Execution::repeatCycle(const JobRow& fired) {
  if (!fired.data.contains("cycle")) return;
  auto remaining = fired.data.at("remaining").as_int64();
  if (remaining == 0) return;
  const std::string text(fired.data.at("cycle").as_string());
  JobRow next = fired;
  next.id = ids_.next("jobs");
  next.dueAt = jobs::isCron(text) ? jobs::nextCronTime(text, fired.dueAt)
                                  : jobs::addDuration(fired.dueAt, jobs::parseCycle(text).interval);
  next.data["remaining"] = remaining < 0 ? -1 : remaining - 1;
  next.isNew = true;
  next.removed = false;
  next.dirty = false;
  next.lockOwner.clear();
  next.lockExpires = 0;
  state_.jobs.push_back(std::move(next));
}

void Execution::removeJobsOf(Id tokenId) {
  for (auto& j : state_.jobs)
    if (j.tokenId == tokenId && !j.removed) j.removed = true;
  for (auto& sub : state_.subscriptions)
    if (sub.tokenId == tokenId) sub.removed = true;
}

}  // namespace ordo::runtime
