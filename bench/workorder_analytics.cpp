// 报告分析 / 监控中心 at scale: N finished instances (default 20,000; the issue's figure is
// 1,000,000: `ordo_workorder_bench DB 1000000` or ORDO_BENCH_INSTANCES=1000000), each with
// two completed tasks, then each analytics query of the engine timed (best of 3).
//
// The rows are written straight into the engine's tables in one transaction: starting and
// completing a million instances through commands would take the bench most of an hour and
// measure the wrong thing. The schema is the engine's own (Engine::open migrates it first).
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ordo/engine.hpp>
#include <random>
#include <string>

using namespace ordo;
using Steady = std::chrono::steady_clock;

namespace {

const char* kModel = R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="bench">
  <process id="benchRepair" name="Bench repair" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="accept"/>
    <userTask id="accept" name="Accept"/><sequenceFlow id="f2" sourceRef="accept" targetRef="handle"/>
    <userTask id="handle" name="Handle"/><sequenceFlow id="f3" sourceRef="handle" targetRef="end"/>
    <endEvent id="end"/></process></definitions>)";

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::exit(1);
  }
}

template <class F>
double bestMillis(F f) {
  double best = 1e18;
  for (int i = 0; i < 3; ++i) {
    auto t0 = Steady::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : "workorder-bench.db";
  long n = argc > 2 ? std::atol(argv[2])
                    : (std::getenv("ORDO_BENCH_INSTANCES") ? std::atol(std::getenv("ORDO_BENCH_INSTANCES")) : 20000);
  // ORDO_BENCH_REUSE=1 times the queries on a database an earlier run loaded.
  bool reuse = std::getenv("ORDO_BENCH_REUSE") && std::filesystem::exists(path);
  if (!reuse) std::filesystem::remove(path);
  Id def = 0;
  double loadSeconds = 0;
  if (!reuse) {
    EngineOptions o;
    o.path = path;
    auto e = Engine::open(o);
    def = e->deploy(kModel).definitions.at(0).id;
  }
  if (!reuse) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN");
    sqlite3_stmt* ins = nullptr;
    sqlite3_stmt* task = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO instances(id, definition_id, initiator, state, started_at, ended_at, revision) "
                       "VALUES (?,?,?,?,?,?,1)",
                       -1, &ins, nullptr);
    sqlite3_prepare_v2(db,
                       "INSERT INTO tasks(id, instance_id, token_id, element_id, name, assignee, state, created_at, "
                       "ended_at, completed_by) VALUES (?,?,0,?,?,?,'completed',?,?,?)",
                       -1, &task, nullptr);
    std::mt19937_64 rng(42);
    const std::int64_t t0 = 1'700'000'000'000;  // Nov 2023, three years of instances
    const std::int64_t span = 3LL * 365 * 24 * 3600 * 1000;
    const char* states[] = {"completed", "completed", "completed", "completed", "rejected", "terminated"};
    const char* people[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    auto load0 = Steady::now();
    for (long i = 1; i <= n; ++i) {
      std::int64_t start = t0 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span));
      std::int64_t a = 60'000 + static_cast<std::int64_t>(rng() % 86'400'000),
                   b = 60'000 + static_cast<std::int64_t>(rng() % 172'800'000);
      sqlite3_bind_int64(ins, 1, i);
      sqlite3_bind_int64(ins, 2, def);
      sqlite3_bind_text(ins, 3, people[rng() % 8], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 4, states[rng() % 6], -1, SQLITE_STATIC);
      sqlite3_bind_int64(ins, 5, start);
      sqlite3_bind_int64(ins, 6, start + a + b);
      sqlite3_step(ins);
      sqlite3_reset(ins);
      for (int k = 0; k < 2; ++k) {
        sqlite3_bind_int64(task, 1, i * 2 + k);
        sqlite3_bind_int64(task, 2, i);
        sqlite3_bind_text(task, 3, k ? "handle" : "accept", -1, SQLITE_STATIC);
        sqlite3_bind_text(task, 4, k ? "Handle" : "Accept", -1, SQLITE_STATIC);
        const char* who = people[rng() % 8];
        sqlite3_bind_text(task, 5, who, -1, SQLITE_STATIC);
        sqlite3_bind_int64(task, 6, k ? start + a : start);
        sqlite3_bind_int64(task, 7, k ? start + a + b : start + a);
        sqlite3_bind_text(task, 8, who, -1, SQLITE_STATIC);
        sqlite3_step(task);
        sqlite3_reset(task);
      }
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(task);
    exec(db, "COMMIT; ANALYZE");
    sqlite3_close(db);
    loadSeconds = std::chrono::duration<double>(Steady::now() - load0).count();
  }

  EngineOptions o;
  o.path = path;
  auto e = Engine::open(o);
  std::printf("instances=%ld tasks=%ld load_s=%.1f\n", n, 2 * n, loadSeconds);
  for (const char* period : {"month", "quarter", "year"}) {
    RunCountQuery q;
    q.period = period;
    std::size_t rows = 0;
    double ms = bestMillis([&] { rows = e->runCounts(q).size(); });
    std::printf("runCounts period=%s rows=%zu ms=%.1f\n", period, rows, ms);
  }
  {
    RunCountQuery q;
    q.groupBy = "category";
    double ms = bestMillis([&] { e->runCounts(q); });
    std::printf("runCounts period=month groupBy=category ms=%.1f\n", ms);
  }
  for (const char* by : {"process", "node", "assignee"}) {
    std::size_t rows = 0;
    double ms = bestMillis([&] { rows = e->durationStats(by).size(); });
    std::printf("durationStats by=%s rows=%zu ms=%.1f\n", by, rows, ms);
  }
  double ms = bestMillis([&] { e->evaluationStats(); });
  std::printf("evaluationStats ms=%.1f\n", ms);
  std::int64_t normal = 0;
  ms = bestMillis([&] { e->abnormalInstances(3600 * 1000, &normal); });
  std::printf("abnormalInstances ms=%.1f normal=%lld\n", ms, static_cast<long long>(normal));
  return 0;
}
