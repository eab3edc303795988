// Races that must have exactly one winner: threads of one engine, two engines on one file,
// and two processes, all acting on the same task, instance or job at the same moment. The
// winner's change is complete; every loser gets conflict, wrong_state, not_found or
// forbidden and changes nothing; the state afterwards is consistent (one completion in the
// history, one fired timer). scripts/sanitize also runs these under TSan.
//
// The binary doubles as the second process: `ordo_race_test --race-child DB TASK...`.
#define CATCH_CONFIG_RUNNER
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <ordo/engine.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace ordo;

namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string sample(const std::string& name) {
  return readText(std::string(ORDO_SAMPLES) + "/" + name);
}

// ORDO_TEST_BACKEND=postgres (ORDO_TEST_POSTGRES from scripts/with-postgres): the races on
// PostgreSQL, each TempDb a fresh schema of that database (left to the throwaway cluster).
const char* testPostgres() {
  const char* backend = std::getenv("ORDO_TEST_BACKEND");
  if (!backend || std::string(backend) != "postgres") return nullptr;
  const char* url = std::getenv("ORDO_TEST_POSTGRES");
  return url && *url ? url : nullptr;
}

class TempDb {
 public:
  TempDb() {
    static int counter = 0;
    go_ = (std::filesystem::temp_directory_path() /
           ("ordo-race-" + std::to_string(::getpid()) + "-" + std::to_string(counter + 1) + ".go"))
              .string();
    if (const char* pg = testPostgres()) {
      std::string url = pg;
      path_ = url + (url.find('?') == std::string::npos ? "?" : "&") + "schema=race_" + std::to_string(::getpid()) +
              "_" + std::to_string(++counter);
      return;
    }
    path_ = (std::filesystem::temp_directory_path() /
             ("ordo-race-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".db"))
                .string();
    remove();
  }
  ~TempDb() {
    remove();
    std::filesystem::remove(go_);
  }
  const std::string& path() const { return path_; }
  // The file that starts the second process.
  const std::string& goFile() const { return go_; }

 private:
  void remove() {
    if (testPostgres()) return;
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + s);
  }
  std::string path_, go_;
};

std::unique_ptr<Engine> open(const TempDb& db, std::shared_ptr<Clock> clock = nullptr) {
  EngineOptions o;
  o.path = db.path();
  o.clock = std::move(clock);
  return Engine::open(o);
}

Variables vars(std::initializer_list<std::pair<const char*, boost::json::value>> kv) {
  Variables v;
  for (const auto& [k, val] : kv) v[k] = val;
  return v;
}

bool loserCode(ErrorCode c) {
  return c == ErrorCode::conflict || c == ErrorCode::wrong_state || c == ErrorCode::not_found ||
         c == ErrorCode::forbidden;
}

// Runs every contender at once (a barrier releases them together); returns the index of each
// that succeeded. A loser must fail with a loser's code; anything else fails the test.
std::vector<int> race(const std::vector<std::function<void()>>& contenders) {
  std::barrier start(static_cast<std::ptrdiff_t>(contenders.size()));
  std::vector<int> won(contenders.size(), 0);
  std::vector<std::string> odd(contenders.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < contenders.size(); ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        contenders[i]();
        won[i] = 1;
      } catch (const Error& e) {
        if (!loserCode(e.code())) odd[i] = std::string(toString(e.code())) + ": " + e.what();
      } catch (const std::exception& e) {
        odd[i] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  std::vector<int> winners;
  for (std::size_t i = 0; i < contenders.size(); ++i) {
    INFO("contender " << i);
    CHECK(odd[i].empty());
    if (!odd[i].empty()) UNSCOPED_INFO(odd[i]);
    if (won[i]) winners.push_back(static_cast<int>(i));
  }
  return winners;
}

int countHistory(Engine& e, Id instance, const std::string& kind, Id task = 0) {
  int n = 0;
  for (const auto& h : e.history(instance))
    if (h.kind == kind && (task == 0 || h.taskId == task)) ++n;
  return n;
}

Task onlyTask(Engine& e, Id instance) {
  TaskQuery q;
  q.instanceId = instance;
  auto ts = e.tasks(q);
  REQUIRE(ts.size() == 1);
  return ts[0];
}

Instance startLeave(Engine& e, int days) {
  return e.start({"leaveApproval", 0, vars({{"days", days}, {"manager", "m"}, {"director", "d"}}), "", "emp"});
}

}  // namespace

TEST_CASE("race: eight threads complete one task, exactly one completes it") {
  TempDb db;
  auto e = open(db);
  e->deploy(sample("leave-approval.bpmn"));
  for (int round = 0; round < 20; ++round) {
    auto inst = startLeave(*e, 1);
    auto task = onlyTask(*e, inst.id);
    std::vector<std::function<void()>> c;
    for (int t = 0; t < 8; ++t)
      c.push_back([&, t] { e->completeTask(task.id, "m", vars({{"approved", t % 2 == 0}})); });
    auto winners = race(c);
    REQUIRE(winners.size() == 1);
    CHECK(e->task(task.id).state == Task::State::completed);
    CHECK(countHistory(*e, inst.id, "task_completed", task.id) == 1);
    // The winner's decision, and only it, took effect.
    CHECK(e->instance(inst.id).state == Instance::State::completed);
    CHECK(e->variables(inst.id).at("approved").as_bool() == (winners[0] % 2 == 0));
  }
}

TEST_CASE("race: complete, reject and withdraw on one task, exactly one wins") {
  TempDb db;
  auto e = open(db);
  e->deploy(sample("leave-approval.bpmn"));
  std::map<int, int> wins;
  for (int round = 0; round < 20; ++round) {
    auto inst = startLeave(*e, 1);
    auto task = onlyTask(*e, inst.id);
    auto winners = race({
        [&] {
          e->completeTask(task.id, "m", vars({{"approved", true}}));
        },
        [&] { e->rejectTask(task.id, "m", "", "no"); },
        [&] { e->withdraw(inst.id, "emp"); },
        [&] {
          e->completeTask(task.id, "m", vars({{"approved", true}}));
        },
    });
    REQUIRE(winners.size() == 1);
    ++wins[winners[0] == 3 ? 0 : winners[0]];
    const auto state = e->instance(inst.id).state;
    CHECK(e->task(task.id).state != Task::State::open);
    if (winners[0] == 0 || winners[0] == 3) CHECK(state == Instance::State::completed);
    if (winners[0] == 1) CHECK(state == Instance::State::rejected);
    if (winners[0] == 2) CHECK(state == Instance::State::draft);
    CHECK(countHistory(*e, inst.id, "task_completed", task.id) == (winners[0] % 3 == 0 ? 1 : 0));
  }
  WARN("complete " << wins[0] << ", reject " << wins[1] << ", withdraw " << wins[2]);
}

TEST_CASE("race: complete and return on the director's task, and transfer against complete") {
  TempDb db;
  auto e = open(db);
  e->deploy(sample("leave-approval.bpmn"));
  for (int round = 0; round < 15; ++round) {
    auto inst = startLeave(*e, 5);
    e->completeTask(onlyTask(*e, inst.id).id, "m", vars({{"approved", true}}));
    auto director = onlyTask(*e, inst.id);
    REQUIRE(director.elementId == "directorApproval");
    auto winners = race({
        [&] {
          e->completeTask(director.id, "d", vars({{"approved", true}}));
        },
        [&] { e->returnTask(director.id, "d", "managerApproval", "again"); },
        [&] { e->returnTask(director.id, "d", "managerApproval", "again"); },
    });
    REQUIRE(winners.size() == 1);
    if (winners[0] == 0) {
      CHECK(e->instance(inst.id).state == Instance::State::completed);
      continue;
    }
    // Returned: the manager decides again, once.
    auto again = onlyTask(*e, inst.id);
    CHECK(again.elementId == "managerApproval");
    auto t = race({
        [&] { e->transferTask(again.id, "m", "m2"); },
        [&] {
          e->completeTask(again.id, "m", vars({{"approved", false}}));
        },
    });
    REQUIRE(t.size() == 1);
    if (t[0] == 0) CHECK(e->task(again.id).assignee == "m2");
    if (t[0] == 1) CHECK(e->instance(inst.id).state == Instance::State::completed);
  }
}

TEST_CASE("race: candidates claim one task, exactly one wins, and only the owner completes it") {
  TempDb db;
  auto e = open(db);
  for (int u = 0; u < 6; ++u) e->saveUser({"disp" + std::to_string(u), "", "", {"dispatchers"}, ""});
  e->deploy(sample("repair-work-order.bpmn"));
  for (int round = 0; round < 15; ++round) {
    auto inst = e->start({"repairWorkOrder", 0, vars({{"technician", "t"}}), "", "emp"});
    auto task = onlyTask(*e, inst.id);
    std::vector<std::function<void()>> c;
    for (int u = 0; u < 6; ++u) c.push_back([&, u] { e->claimTask(task.id, "disp" + std::to_string(u)); });
    auto winners = race(c);
    REQUIRE(winners.size() == 1);
    const auto owner = "disp" + std::to_string(winners[0]);
    CHECK(e->task(task.id).assignee == owner);
    // The owner completes while the other candidates claim or complete it: only the owner may.
    auto other = "disp" + std::to_string((winners[0] + 1) % 6);
    auto second = race({
        [&] { e->claimTask(task.id, other); },
        [&] { e->completeTask(task.id, other, {}); },
        [&] { e->completeTask(task.id, owner, {}); },
    });
    REQUIRE(second.size() == 1);
    CHECK(second[0] == 2);
    CHECK(e->task(task.id).completedBy == owner);
    CHECK(onlyTask(*e, inst.id).elementId == "handle");
  }
}

TEST_CASE("race: two engines on one file run the same due timers, each fires once") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(1'800'000'000'000);
  auto a = open(db, clock);
  auto b = open(db, clock);
  a->deploy(sample("repair-work-order.bpmn"));
  a->saveUser({"disp", "", "", {"dispatchers"}, ""});
  constexpr int kInstances = 30;
  std::vector<Id> ids;
  for (int i = 0; i < kInstances; ++i) {
    auto inst = a->start({"repairWorkOrder", 0, vars({{"technician", "t"}}), "", "emp"});
    a->completeTask(onlyTask(*a, inst.id).id, "disp", {});  // dispatched: the SLA timer waits
    ids.push_back(inst.id);
  }
  clock->advance(5 * 3600 * 1000);
  std::atomic<int> ran{0};
  std::barrier start(2);
  auto drain = [&](Engine& e) {
    start.arrive_and_wait();
    for (int pass = 0; pass < 50; ++pass) ran += e.runDueJobs();
  };
  std::thread ta([&] { drain(*a); });
  std::thread tb([&] { drain(*b); });
  ta.join();
  tb.join();
  CHECK(ran == kInstances);
  for (Id id : ids) {
    CHECK(countHistory(*a, id, "timer_fired") == 1);
    CHECK(onlyTask(*a, id).elementId == "escalate");
    CHECK(a->pendingJobs(id) == 0);
    CHECK(a->openIncidents(id) == 0);
  }
}

TEST_CASE("race: a message and the timer boundary of its receive task, exactly one of them acts") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(1'800'000'000'000);
  auto e = open(db, clock);
  e->deploy(R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://ordo.test">
  <message id="paid" name="paid"/>
  <process id="pay" isExecutable="true">
    <startEvent id="s"/>
    <receiveTask id="wait" messageRef="paid"/>
    <boundaryEvent id="late" attachedToRef="wait"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
    <userTask id="ship"/>
    <userTask id="chase"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="ship"/>
    <sequenceFlow id="f3" sourceRef="late" targetRef="chase"/>
  </process>
</definitions>)");
  std::map<std::string, int> outcomes;
  for (int round = 0; round < 25; ++round) {
    auto inst = e->start({"pay", 0, {}, "order-" + std::to_string(round), ""});
    clock->advance(3600 * 1000 + 1);  // the timer is due
    MessageCorrelation m;
    m.name = "paid";
    m.businessKey = "order-" + std::to_string(round);
    int fired = 0;
    // A head start of up to 3 ms for either side, so that each wins some rounds and some meet in between.
    const auto lead = std::chrono::microseconds((round * 379) % 3000);
    auto winners = race({
        [&] {
          if (round % 2) std::this_thread::sleep_for(lead);
          e->correlateMessage(m);
        },
        [&] {
          if (round % 2 == 0) std::this_thread::sleep_for(lead / 4);
          fired = e->runDueJobs();
          if (fired == 0) throw Error(ErrorCode::not_found, "no timer ran");
        },
    });
    REQUIRE(winners.size() == 1);
    auto task = onlyTask(*e, inst.id);
    CHECK(task.elementId == (winners[0] == 0 ? "ship" : "chase"));
    CHECK(countHistory(*e, inst.id, "timer_fired") == (winners[0] == 1 ? 1 : 0));
    CHECK(e->pendingJobs(inst.id) == 0);
    CHECK(e->openIncidents(inst.id) == 0);
    ++outcomes[task.elementId];
  }
  WARN("message first " << outcomes["ship"] << ", timer first " << outcomes["chase"]);
}

namespace {

// One contended action of the two-process race: "complete:ID", "claim:ID", "return:ID" or
// "withdraw:ID" (a task id, or the instance id for withdraw); `me` names the claiming user.
void act(Engine& e, const std::string& action, const std::string& me) {
  const auto colon = action.find(':');
  const std::string op = action.substr(0, colon);
  const Id id = std::atoll(action.c_str() + colon + 1);
  if (op == "complete") e.completeTask(id, "m", vars({{"approved", true}}));
  if (op == "claim") e.claimTask(id, me);
  if (op == "return") e.returnTask(id, "d", "managerApproval", "again");
  if (op == "withdraw") e.withdraw(id, "emp");
}

// The second process: opens the file, waits for the go file, tries each action from the last
// to the first (the two processes meet in the middle); prints each it won.
int child(int argc, char** argv) {
  EngineOptions o;
  o.path = argv[2];
  auto e = Engine::open(o);
  const std::string go = argv[3];
  while (!std::filesystem::exists(go)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (int i = argc - 1; i >= 4; --i) {
    std::this_thread::sleep_for(std::chrono::microseconds(500));  // think time: the other may take the lock
    try {
      act(*e, argv[i], "disp1");
      std::printf("won %s\n", argv[i]);
    } catch (const Error& err) {
      if (!loserCode(err.code())) {
        std::printf("odd %s %s\n", argv[i], err.what());
        return 1;
      }
    }
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

TEST_CASE("race: two processes complete, claim, return and withdraw the same tasks, each exactly once") {
  TempDb db;
  auto e = open(db);
  e->deploy(sample("leave-approval.bpmn"));
  e->deploy(sample("repair-work-order.bpmn"));
  for (const char* u : {"disp0", "disp1"}) e->saveUser({u, "", "", {"dispatchers"}, ""});
  std::vector<std::string> actions;
  for (int i = 0; i < 12; ++i) {
    auto manager = startLeave(*e, 1);
    actions.push_back("complete:" + std::to_string(onlyTask(*e, manager.id).id));
    auto repair = e->start({"repairWorkOrder", 0, vars({{"technician", "t"}}), "", "emp"});
    actions.push_back("claim:" + std::to_string(onlyTask(*e, repair.id).id));
    auto director = startLeave(*e, 5);
    e->completeTask(onlyTask(*e, director.id).id, "m", vars({{"approved", true}}));
    actions.push_back("return:" + std::to_string(onlyTask(*e, director.id).id));
    actions.push_back("withdraw:" + std::to_string(startLeave(*e, 2).id));
  }
  std::vector<std::string> args = {ORDO_RACE_TEST, "--race-child", db.path(), db.goFile()};
  args.insert(args.end(), actions.begin(), actions.end());
  int out[2];
  REQUIRE(pipe(out) == 0);
  const std::string go = db.goFile();
  std::filesystem::remove(go);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(ORDO_RACE_TEST, argv.data());
    _exit(127);
  }
  close(out[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the child has opened its engine
  std::ofstream(go).put('1');
  std::set<std::string> mine;
  for (const auto& a : actions) try {
      std::this_thread::sleep_for(std::chrono::microseconds(500));
      act(*e, a, "disp0");
      mine.insert(a);
    } catch (const Error& err) {
      INFO(a << ": " << err.what());
      CHECK(loserCode(err.code()));
    }
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::remove(go);
  INFO(text);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::set<std::string> theirs;
  std::istringstream lines(text);
  std::string word, action;
  while (lines >> word >> action)
    if (word == "won") theirs.insert(action);
  auto operations = [&](Id instance, const std::string& what) {
    int k = 0;
    for (const auto& h : e->operations(instance))
      if (h.action == what) ++k;
    return k;
  };
  for (const auto& a : actions) {
    INFO(a);
    CHECK(mine.count(a) + theirs.count(a) == 1);  // exactly one process did it
    const std::string op = a.substr(0, a.find(':'));
    const Id id = std::atoll(a.c_str() + a.find(':') + 1);
    if (op == "complete") {
      CHECK(e->task(id).state == Task::State::completed);
      CHECK(countHistory(*e, e->task(id).instanceId, "task_completed", id) == 1);
    } else if (op == "claim") {
      CHECK(e->task(id).assignee == (mine.count(a) ? "disp0" : "disp1"));
      CHECK(operations(e->task(id).instanceId, "claim") == 1);
    } else if (op == "return") {
      const Id inst = e->task(id).instanceId;
      CHECK(operations(inst, "return") == 1);
      CHECK(onlyTask(*e, inst).elementId == "managerApproval");
    } else {
      CHECK(e->instance(id).state == Instance::State::draft);
      CHECK(operations(id, "withdraw") == 1);
    }
  }
  WARN("this process won " << mine.size() << ", the other " << theirs.size() << " of " << actions.size());
}

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "--race-child") return child(argc, argv);
  const char* backend = std::getenv("ORDO_TEST_BACKEND");
  if (backend && std::string(backend) == "postgres" && !testPostgres()) {
    std::fprintf(stderr, "ORDO_TEST_BACKEND=postgres but no ORDO_TEST_POSTGRES: skipped (scripts/with-postgres)\n");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
