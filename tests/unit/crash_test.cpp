// Nothing acknowledged is lost: a child process runs commands and reports each
// after it returned; we kill it with SIGKILL at random moments, then check that
// every reported command is in the database and that the database is consistent.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <set>
#include <sstream>

#include "engine_support.hpp"

using namespace ordo;

namespace {

struct Reported {
  std::set<Id> started;
  std::set<Id> completedTasks;
};

// Starts the worker, lets it run for `millis`, kills it; returns what it reported.
Reported runAndKill(const std::string& db, int millis) {
  int out[2];
  REQUIRE(pipe(out) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::string model = std::string(ORDO_SAMPLES) + "/leave-approval.bpmn";
    execl(ORDO_CRASH_WORKER, ORDO_CRASH_WORKER, db.c_str(), model.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  usleep(static_cast<useconds_t>(millis) * 1000);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status));
  // Whatever reached the pipe before the kill was reported.
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  close(out[0]);
  Reported r;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string what;
    long long a = 0, b = 0;
    words >> what >> a;
    if (!words) continue;  // a line cut short by the kill was not fully reported
    if (what == "started") r.started.insert(a);
    if (what == "completed" && (words >> b)) r.completedTasks.insert(a);
  }
  return r;
}


}  // namespace

TEST_CASE("crash: SIGKILL at random moments loses no acknowledged command and leaves the database consistent") {
  test::TempDb db;
  std::mt19937 rng(20261121);
  Reported all;
  for (int round = 0; round < 6; ++round) {
    auto r = runAndKill(db.path(), std::uniform_int_distribution<int>(150, 600)(rng));
    all.started.insert(r.started.begin(), r.started.end());
    all.completedTasks.insert(r.completedTasks.begin(), r.completedTasks.end());
  }
  REQUIRE(all.started.size() > 10);  // the worker really ran

  // The engine opens the database after the crashes (recovering the WAL) ...
  auto e = test::openEngine(db);
  for (Id id : all.started) CHECK(e->instance(id).id == id);
  for (Id id : all.completedTasks) CHECK(e->task(id).state == Task::State::completed);

  // ... and the database is consistent (on either backend).
  CHECK(db.scalar("SELECT count(*) FROM tokens WHERE instance_id NOT IN (SELECT id FROM instances)") == 0);
  CHECK(db.scalar("SELECT count(*) FROM tasks t JOIN instances i ON i.id = t.instance_id "
                  "WHERE t.state = 'open' AND i.state <> 'running'") == 0);
  CHECK(db.scalar("SELECT count(*) FROM instances i WHERE i.state = 'running' AND NOT EXISTS "
                  "(SELECT 1 FROM tokens t WHERE t.instance_id = i.id)") == 0);
  CHECK(db.scalar("SELECT count(*) FROM instances i WHERE NOT EXISTS (SELECT 1 FROM history h "
                  "WHERE h.instance_id = i.id AND h.kind = 'instance_started')") == 0);
  CHECK(db.scalar("SELECT count(*) FROM instances i WHERE i.state = 'completed' AND NOT EXISTS "
                  "(SELECT 1 FROM history h WHERE h.instance_id = i.id AND h.kind = 'instance_completed')") == 0);
  CHECK(db.scalar("SELECT count(*) FROM tasks t WHERE t.state = 'completed' AND NOT EXISTS "
                  "(SELECT 1 FROM history h WHERE h.task_id = t.id AND h.kind = 'task_completed')") == 0);
  if (!db.postgres()) REQUIRE(db.integrity() == "ok");

  // Every instance can still be driven to its end.
  TaskQuery open;
  open.limit = 100000;
  for (int pass = 0; pass < 3; ++pass)  // the manager's approval may lead to the director's task
    for (const auto& t : e->tasks(open)) {
      Variables v;
      v["approved"] = true;
      e->completeTask(t.id, t.assignee, v);
    }
  InstanceQuery running;
  running.state = Instance::State::running;
  CHECK(e->instances(running).empty());
}
