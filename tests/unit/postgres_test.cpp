// What only the PostgreSQL store has: connections that can be lost between commands.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "engine_support.hpp"

using namespace ordo;

TEST_CASE("postgres: connections dropped by the database are made again and the command runs") {
  test::TempDb db;
  if (!db.postgres()) return;  // a SQLite file has no connections to lose
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  auto before = e->start({"leaveApproval", 0, {{"days", 1}, {"manager", "m"}}, "", "emp"});
  // The database ends every connection of this process (a restart, a failover, an operator).
  REQUIRE(db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ordo-" +
                  std::to_string(::getpid()) + "'"));
  auto after = e->start({"leaveApproval", 0, {{"days", 1}, {"manager", "m"}}, "", "emp"});
  CHECK(after.id != before.id);
  CHECK(e->instance(before.id).id == before.id);  // a read, on a new connection too
  auto task = test::onlyTask(*e, after.id);
  e->completeTask(task.id, "m", {{"approved", true}});
  CHECK(e->task(task.id).state == Task::State::completed);
}
