// Element kind -> behaviour. Kinds the runtime does not execute are refused
// at deploy (model/capabilities.cpp), so reaching `refuse` is a bug.
#include "runtime/execution.hpp"

namespace ordo::runtime {

namespace {
void refuse(Execution&, Token&, const model::FlowNode& n) {
  throw Error(ErrorCode::unsupported, "not supported yet: " + n.label(), n.id);
}
void passThrough(Execution& ex, Token& t, const model::FlowNode&) {
  ex.leave(t);
}
}  // namespace

void leaveByTrigger(Execution& ex, Token& t, const model::FlowNode&) {
  ex.leave(t);
}

void terminateNothing(Execution&, Token&, const model::FlowNode&) {}

const Behavior& behaviorFor(model::NodeKind kind) {
  using K = model::NodeKind;
  static const Behavior task{enterTask, leaveByTrigger, terminateNothing};
  static const Behavior user{enterUserTask, leaveByTrigger, terminateUserTask};
  static const Behavior service{enterServiceTask, leaveByTrigger, terminateNothing};
  static const Behavior scriptTask{enterScriptTask, leaveByTrigger, terminateNothing};
  static const Behavior send{enterSendTask, leaveByTrigger, terminateNothing};
  static const Behavior exclusive{enterExclusiveGateway, refuse, terminateNothing};
  static const Behavior parallel{enterParallelGateway, refuse, terminateNothing};
  static const Behavior inclusive{enterInclusiveGateway, refuse, terminateNothing};
  static const Behavior complex{enterComplexGateway, refuse, terminateNothing};
  static const Behavior start{enterStartEvent, refuse, terminateNothing};
  static const Behavior end{enterEndEvent, refuse, terminateNothing};
  static const Behavior catchEvent{enterCatchEvent, leaveByTrigger, terminateNothing};
  static const Behavior throwEvent{enterThrowEvent, refuse, terminateNothing};
  static const Behavior receive{enterReceiveTask, leaveByTrigger, terminateNothing};
  static const Behavior eventGateway{enterEventBasedGateway, refuse, terminateNothing};
  static const Behavior call{enterCallActivity, refuse, terminateCallActivity};
  static const Behavior boundary{passThrough, refuse, terminateNothing};
  static const Behavior sub{enterSubProcess, refuse, terminateNothing};
  static const Behavior unsupported{refuse, refuse, terminateNothing};
  switch (kind) {
    case K::task:
    case K::manualTask: return task;
    case K::userTask: return user;
    case K::serviceTask: return service;
    case K::scriptTask: return scriptTask;
    case K::sendTask: return send;
    case K::exclusiveGateway: return exclusive;
    case K::parallelGateway: return parallel;
    case K::inclusiveGateway: return inclusive;
    case K::complexGateway: return complex;
    case K::startEvent: return start;
    case K::endEvent: return end;
    case K::intermediateCatchEvent: return catchEvent;
    case K::intermediateThrowEvent: return throwEvent;
    case K::receiveTask: return receive;
    case K::eventBasedGateway: return eventGateway;
    case K::callActivity: return call;
    case K::boundaryEvent: return boundary;
    case K::subProcess:
    case K::transaction: return sub;
    default: return unsupported;
  }
}

}  // namespace ordo::runtime
