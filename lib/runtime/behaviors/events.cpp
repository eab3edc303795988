// Events: none start (pass), end (none, terminate, error), intermediate catch (timer).
#include "runtime/execution.hpp"

namespace ordo::runtime {

void enterStartEvent(Execution& ex, Token& t, const model::FlowNode&) { ex.leave(t); }

void enterEndEvent(Execution& ex, Token& t, const model::FlowNode& n) {
  ex.record("element_left", &t, &n);
  switch (n.eventType()) {
    case model::EventType::terminate: {
      // Ends the scope it is in, and only that scope: the process, or the subprocess around it.
      for (auto* sibling : ex.state().children(t.parent))
        if (sibling != &t) ex.cancelToken(*sibling);
      ex.endToken(t);
      return;
    }
    case model::EventType::error: {
      const auto& e = *n.event(model::EventType::error);
      auto it = ex.process().model().errors.find(e.ref);
      std::string code = it == ex.process().model().errors.end() ? e.ref : it->second.errorCode;
      ex.throwBpmnError(t, code, {});
      return;
    }
    default:
      ex.endToken(t);
  }
}

void enterCatchEvent(Execution& ex, Token& t, const model::FlowNode& n) {
  if (n.event(model::EventType::timer)) {
    ex.createTimerJob(t, n);
    ex.wait(t);
    return;
  }
  throw Error(ErrorCode::unsupported, "not supported yet: " + n.label(), n.id);
}

}  // namespace ordo::runtime
