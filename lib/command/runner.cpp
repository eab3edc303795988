// The command runner's work that is not inline: timer start events, diagnostics text.
#include "command/runner.hpp"
#include "jobs/cron.hpp"

namespace ordo::command {

std::string summarize(const std::vector<Diagnostic>& ds) {
  std::string out;
  int errors = 0;
  for (const auto& d : ds) {
    if (d.severity != Severity::error) continue;
    if (++errors == 1) {
      out = d.message;
      if (d.line) out = "line " + std::to_string(d.line) + ": " + out;
    }
  }
  if (errors > 1) out += " (and " + std::to_string(errors - 1) + " more)";
  return "invalid BPMN model: " + out;
}

namespace {
// The first (or next) due time of a timer start event, from `after`.
std::int64_t startTimerDue(const model::FlowNode& s, const model::EventDefinition& timer, std::int64_t after,
                           boost::json::object& data) {
  using T = model::TimerDefinition::Type;
  try {
    if (timer.timer.type == T::date) return jobs::parseDateTime(timer.timer.expression);
    if (timer.timer.type == T::duration) return jobs::addDuration(after, jobs::parseDuration(timer.timer.expression));
    if (jobs::isCron(timer.timer.expression)) {  // a cron cycle repeats without end
      if (!data.contains("remaining")) data["remaining"] = -1;
      return jobs::nextCronTime(timer.timer.expression, after);
    }
    auto cycle = jobs::parseTimerCycle(timer.timer.expression);
    if (!data.contains("remaining")) data["remaining"] = cycle.repetitions;
    return jobs::addDuration(cycle.start && after < cycle.start ? cycle.start : after, cycle.interval);
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::invalid_argument,
                "timer start event '" + s.id + "': '" + timer.timer.expression + "' is not valid ISO-8601: " + e.what(),
                s.id);
  }
}
}  // namespace

void Runner::scheduleStartTimer(store::Session& c, Id definition, const model::FlowNode& s,
                                const model::EventDefinition& timer, std::int64_t now) {
  if (timer.timer.expression.find("${") != std::string::npos)
    throw Error(ErrorCode::unsupported, "timer start event '" + s.id + "': a start timer cannot use variables", s.id);
  boost::json::object data;
  auto due = startTimerDue(s, timer, now, data);
  c.insertStartJob(definition, s.id, due, data);
}

// A timer start event fell due: a new instance, and the next occurrence of a cycle.
void Runner::fireStartTimer(store::Session& c, Id jobId) {
  auto job = c.startJob(jobId);
  if (!job) return;
  auto dp = deployed(c, job->definition);
  if (auto def = c.definitionById(job->definition); def && !def->startsInstances()) {
    // A suspended or offline definition's timer waits: its next occurrence is looked at again later.
    auto data = job->data;
    const auto& timer = *dp->process->node(job->element)->event(model::EventType::timer);
    if (timer.timer.type == model::TimerDefinition::Type::cycle)
      c.rescheduleStartJob(jobId, startTimerDue(*dp->process->node(job->element), timer, job->dueAt, data), data);
    else
      c.rescheduleStartJob(jobId, job->dueAt + 60'000, data);
    return;
  }
  const auto* s = dp->process->node(job->element);
  if (!s) throw Error(ErrorCode::internal, "timer start job for unknown element '" + job->element + "'");
  const auto& timer = *s->event(model::EventType::timer);
  startInstance(c, *dp, {}, {}, {}, {}, s);
  auto data = job->data;
  if (timer.timer.type == model::TimerDefinition::Type::cycle) {
    auto remaining = data.at("remaining").as_int64();  // -1: unbounded
    if (remaining != 1) {
      data["remaining"] = remaining < 0 ? -1 : remaining - 1;
      c.rescheduleStartJob(jobId, startTimerDue(*s, timer, job->dueAt, data), data);
      return;
    }
  }
  c.deleteJob(jobId);
}

void Runner::registerEarlierStartSubscriptions() {
  command([&](store::Session& c) {
    if (!c.startSubscriptionsPending()) return;
    std::map<std::string, Definition> latest;
    for (const auto& d : c.listDefinitions()) latest[d.key] = d;
    for (const auto& [key, def] : latest) {
      auto dp = deployed(c, def.id);
      c.replaceStartSubscriptions(key, def.id, startSubscriptionsOf(*dp->compiled, *dp->process, def.id));
    }
    c.startSubscriptionsRegistered();
  });
}

}  // namespace ordo::command
