// Thrown messages: send tasks, message intermediate throw and end events. An element that names
// an implementation (a handler, an external topic on a send task) hands the message to it;
// otherwise the engine correlates it in the same transaction (command::Runner::deliverMessage)
// to a waiting catch event, receive task or boundary, else to a message start event.
#include "runtime/execution.hpp"

namespace ordo::runtime {

namespace {

void throwMessage(Execution& ex, Token& t, const model::FlowNode& n) {
  const auto* def = n.event(model::EventType::message);
  Execution::ThrownMessage m;
  m.element = n.id;
  m.name = def && !def->messageExpression.empty() ? ex.evaluateText(t, def->messageExpression, n.id)
                                                  : ex.process().model().messageName(def ? def->ref : n.messageRef);
  if (m.name.find("${") != std::string::npos && ex.process().hasExpression(m.name))
    m.name = ex.evaluateText(t, m.name, n.id);
  // ordo:correlationKey: the business key of the instance the message is for.
  if (auto key = n.extensions.find("correlationKey"); key != n.extensions.end())
    m.correlationKey = ex.evaluateText(t, key->second, n.id);
  for (const auto& o : n.call.out) {  // camunda:out / flowable:out: what the message carries
    if (o.target.empty()) continue;
    if (!o.sourceExpression.empty())
      m.payload[o.target] = ex.evaluate(t, o.sourceExpression, n.id);
    else if (const auto* v = ex.lookup(t, o.source))
      m.payload[o.target] = *v;
  }
  ex.record("message_thrown", &t, &n, 0, m.name);
  ex.messagesThrown.push_back(std::move(m));
}

// A message event with neither a message nor an implementation has nothing to send: it passes (as Camunda).
bool namesNoMessage(const model::FlowNode& n) {
  const auto* def = n.event(model::EventType::message);
  return n.messageRef.empty() && (!def || (def->ref.empty() && def->messageExpression.empty()));
}

}  // namespace

bool sendMessage(Execution& ex, Token& t, const model::FlowNode& n) {
  if (n.service.namesHandler()) return callServiceHandler(ex, t, n);
  if (!namesNoMessage(n)) throwMessage(ex, t, n);
  return true;
}

void enterSendTask(Execution& ex, Token& t, const model::FlowNode& n) {
  if (n.service.namesHandler()) {
    enterServiceTask(ex, t, n);
    return;
  }
  throwMessage(ex, t, n);
  ex.leave(t);
}

}  // namespace ordo::runtime
