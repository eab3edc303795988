// Embedding Ordo from C++: the leave approval from start to end, then a
// service task served by a C++ handler.  usage: embed-cpp MODEL [DB]
#include <fstream>
#include <iostream>
#include <ordo/engine.hpp>
#include <sstream>

namespace {
const char* kNotify = R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:flowable="http://flowable.org/bpmn" id="notifyDefs"><process id="notify"><startEvent id="s"/>
  <serviceTask id="send" flowable:type="notify"/><endEvent id="e"/>
  <sequenceFlow id="1" sourceRef="s" targetRef="send"/><sequenceFlow id="2" sourceRef="send" targetRef="e"/>
</process></definitions>)";
}

int main(int argc, char** argv) try {
  if (argc < 2) return 2;
  std::ifstream in(argv[1]);
  std::stringstream model;
  model << in.rdbuf();

  auto engine = ordo::Engine::open({.path = argc > 2 ? argv[2] : ":memory:"});
  engine->deploy(model.str());
  engine->deploy(kNotify);
  engine->registerServiceHandler("notify", [](ordo::ServiceTaskContext& task) {
    std::cout << "  handler: notifying for instance " << task.instanceId() << " at '" << task.elementId() << "'\n";
    task.setVariable("notified", true);
  });

  auto leave = engine->start({.key = "leaveApproval",
                              .variables = {{"days", 5}, {"manager", "mary"}, {"director", "dora"}},
                              .initiator = "emp42"});
  std::cout << "started leave approval " << leave.id << " (5 days)\n";
  for (const char* approver : {"mary", "dora"}) {
    auto task = engine->tasks({.instanceId = leave.id}).at(0);
    std::cout << "  " << approver << " approves '" << task.name << "'\n";
    engine->completeTask(task.id, approver, {{"approved", true}});
  }
  auto state = engine->instance(leave.id).state;
  std::cout << "leave approval: " << ordo::toString(state) << "\n";

  auto notify = engine->start({.key = "notify"});
  std::cout << "notify: " << ordo::toString(notify.state) << "\n";
  return state == ordo::Instance::State::completed && notify.state == ordo::Instance::State::completed ? 0 : 1;
} catch (const ordo::Error& e) {
  std::cerr << "ordo error " << ordo::toString(e.code()) << ": " << e.what() << "\n";
  return 1;
}
