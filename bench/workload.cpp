// Whole-process figures for Ordo. Each mode prints one line of key=value pairs
// that bench/run gathers into its table.
//
//   ordo_bench approval DB full|normal|memory INSTANCES THREADS MODEL
//       the leave-approval sample: start, then complete its task, to the end
//   ordo_bench scale DB INSTANCES MODEL
//       INSTANCES open tasks in one database: todo page, count, completion, open time
//   ordo_bench large DB full|normal|memory INSTANCES
//       a generated 50-node model: parallel branches and a 10-way 会签, start to end
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ordo/engine.hpp>
#include <random>
#include <sstream>
#include <thread>

using namespace ordo;
using Steady = std::chrono::steady_clock;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void removeDb(const std::string& path) {
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
}

long peakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

long currentRssKb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Folds the WAL into the main file so its size is the data's size.
std::uintmax_t checkpointedSize(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return std::filesystem::file_size(path);
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

EngineOptions options(const std::string& db, const std::string& durability) {
  EngineOptions o;
  if (durability == "memory") {
    o.path = ":memory:";
  } else {
    o.path = db;
    o.durability = durability == "normal" ? EngineOptions::Durability::normal : EngineOptions::Durability::full;
  }
  return o;
}

int approval(const std::string& db, const std::string& durability, long instances, int threads,
             const std::string& model) {
  removeDb(db);
  auto engine = Engine::open(options(db, durability));
  engine->deploy(readFile(model));
  engine.reset();
  auto baseline = durability == "memory" ? 0 : checkpointedSize(db);
  engine = Engine::open(options(db, durability));
  engine->deploy(readFile(model));  // a file already has it: the same version comes back

  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(threads));
  std::atomic<long> next{0};
  auto begin = Steady::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      auto& lat = latencies[static_cast<std::size_t>(t)];
      Variables start{{"days", 2}, {"manager", "m" + std::to_string(t)}, {"director", "d"}};
      Variables approve{{"approved", true}};
      for (long i; (i = next++) < instances;) {
        auto t0 = Steady::now();
        auto inst = engine->start({"leaveApproval", 0, start, "", "emp"});
        auto t1 = Steady::now();
        TaskQuery q;
        q.instanceId = inst.id;
        auto task = engine->tasks(q).at(0);
        auto t2 = Steady::now();
        engine->completeTask(task.id, task.assignee, approve);
        auto t3 = Steady::now();
        lat.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        lat.push_back(std::chrono::duration<double, std::micro>(t3 - t2).count());
      }
    });
  for (auto& w : workers) w.join();
  double secs = std::chrono::duration<double>(Steady::now() - begin).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  InstanceQuery done;
  done.state = Instance::State::completed;
  done.limit = 1;
  if (engine->instances(done).empty()) throw std::runtime_error("no instance completed");
  engine.reset();
  double bytesPer = 0;
  if (durability != "memory")
    bytesPer = static_cast<double>(checkpointedSize(db) - baseline) / static_cast<double>(instances);
  std::printf(
      "bench=approval durability=%s threads=%d instances=%ld seconds=%.3f instances_per_s=%.0f commands_per_s=%.0f "
      "p50_us=%.0f p99_us=%.0f bytes_per_instance=%.0f peak_rss_mb=%.1f\n",
      durability.c_str(), threads, instances, secs, instances / secs, 2 * instances / secs, percentile(all, 0.5),
      percentile(all, 0.99), bytesPer, peakRssKb() / 1024.0);
  if (!std::getenv("ORDO_BENCH_KEEP")) removeDb(db);  // ORDO_BENCH_KEEP=1: kept, to look inside
  return 0;
}

int scale(const std::string& db, long instances, const std::string& model) {
  removeDb(db);
  constexpr int kUsers = 1000;
  auto fillStart = Steady::now();
  {
    auto engine = Engine::open(options(db, "normal"));
    engine->deploy(readFile(model));
    for (long i = 0; i < instances; ++i)
      engine->start({"leaveApproval", 0, {{"days", 2}, {"manager", "user" + std::to_string(i % kUsers)}}, "", "emp"});
  }
  double fillSecs = std::chrono::duration<double>(Steady::now() - fillStart).count();
  long rssBefore = currentRssKb();
  auto t0 = Steady::now();
  auto engine = Engine::open(options(db, "full"));
  double openMs = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
  long rssAfterOpen = currentRssKb();

  std::mt19937 rng(42);
  std::vector<double> page, count;
  std::int64_t total = 0;
  for (int i = 0; i < 2000; ++i) {
    TaskQuery q;
    q.assignee = "user" + std::to_string(rng() % kUsers);
    q.limit = 20;
    auto a = Steady::now();
    auto tasks = engine->tasks(q);
    auto b = Steady::now();
    total += engine->countTasks(q);
    auto c = Steady::now();
    if (tasks.empty()) throw std::runtime_error("empty todo list");
    page.push_back(std::chrono::duration<double, std::micro>(b - a).count());
    count.push_back(std::chrono::duration<double, std::micro>(c - b).count());
  }
  std::vector<double> complete;
  for (int i = 0; i < 200; ++i) {
    TaskQuery q;
    q.assignee = "user" + std::to_string(i * 7 % kUsers);  // 200 different users: none runs out of tasks
    q.limit = 1;
    auto task = engine->tasks(q).at(0);
    auto a = Steady::now();
    engine->completeTask(task.id, q.assignee, {{"approved", true}});
    complete.push_back(std::chrono::duration<double, std::micro>(Steady::now() - a).count());
  }
  // The engine holding the database after the queries and completions (its caches filled).
  long rssAfterWork = currentRssKb();
  std::printf(
      "bench=scale instances=%ld fill_seconds=%.1f open_ms=%.2f open_rss_delta_mb=%.1f engine_rss_mb=%.1f "
      "engine_rss_delta_mb=%.1f todo_p50_us=%.0f todo_p99_us=%.0f count_p50_us=%.0f count_p99_us=%.0f "
      "complete_p50_us=%.0f complete_p99_us=%.0f db_mb=%.1f avg_todo=%lld\n",
      instances, fillSecs, openMs, (rssAfterOpen - rssBefore) / 1024.0, rssAfterWork / 1024.0,
      (rssAfterWork - rssBefore) / 1024.0, percentile(page, 0.5), percentile(page, 0.99),
      percentile(count, 0.5), percentile(count, 0.99), percentile(complete, 0.5), percentile(complete, 0.99),
      static_cast<double>(std::filesystem::file_size(db)) / 1e6, static_cast<long long>(total / 2000));
  engine.reset();
  removeDb(db);
  return 0;
}

// 50 nodes: start, a parallel split into 4 branches of 11 tasks, the join,
// an exclusive gateway, a 10-way countersign (会签), the end.
std::string largeModel() {
  std::ostringstream x;
  x << R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn"
  id="largeDefinitions" targetNamespace="http://ordo.dev/bench"><process id="large" isExecutable="true">
<startEvent id="start"/><parallelGateway id="fork"/><parallelGateway id="join"/>
<exclusiveGateway id="check" default="toSign"/><endEvent id="end"/>
<userTask id="sign" flowable:assignee="${signer}"><multiInstanceLoopCharacteristics flowable:collection="${signers}" flowable:elementVariable="signer"/></userTask>
<sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
<sequenceFlow id="fj" sourceRef="join" targetRef="check"/>
<sequenceFlow id="toSign" sourceRef="check" targetRef="sign"/>
<sequenceFlow id="skip" sourceRef="check" targetRef="end"><conditionExpression>${skip}</conditionExpression></sequenceFlow>
<sequenceFlow id="fe" sourceRef="sign" targetRef="end"/>
)";
  for (int b = 0; b < 4; ++b) {
    for (int t = 0; t < 11; ++t) x << "<task id=\"t" << b << "_" << t << "\"/>";
    x << "<sequenceFlow id=\"b" << b << "\" sourceRef=\"fork\" targetRef=\"t" << b << "_0\"/>";
    for (int t = 0; t < 10; ++t)
      x << "<sequenceFlow id=\"s" << b << "_" << t << "\" sourceRef=\"t" << b << "_" << t << "\" targetRef=\"t" << b
        << "_" << t + 1 << "\"/>";
    x << "<sequenceFlow id=\"e" << b << "\" sourceRef=\"t" << b << "_10\" targetRef=\"join\"/>\n";
  }
  x << "</process></definitions>\n";
  return x.str();
}

int large(const std::string& db, const std::string& durability, long instances) {
  removeDb(db);
  auto engine = Engine::open(options(db, durability));
  engine->deploy(largeModel());
  boost::json::array signers;
  for (int i = 0; i < 10; ++i) signers.emplace_back("signer" + std::to_string(i));
  std::vector<double> perInstance;
  auto begin = Steady::now();
  long commands = 0;
  for (long i = 0; i < instances; ++i) {
    auto a = Steady::now();
    auto inst = engine->start({"large", 0, {{"signers", signers}, {"skip", false}}, "", ""});
    ++commands;
    TaskQuery q;
    q.instanceId = inst.id;
    for (const auto& t : engine->tasks(q)) {
      engine->completeTask(t.id, t.assignee, {});
      ++commands;
    }
    if (engine->instance(inst.id).state != Instance::State::completed) throw std::runtime_error("large model did not complete");
    perInstance.push_back(std::chrono::duration<double, std::milli>(Steady::now() - a).count());
  }
  double secs = std::chrono::duration<double>(Steady::now() - begin).count();
  std::printf(
      "bench=large durability=%s nodes=50 instances=%ld seconds=%.3f instances_per_s=%.1f commands_per_s=%.0f "
      "instance_p50_ms=%.2f instance_p99_ms=%.2f\n",
      durability.c_str(), instances, secs, instances / secs, commands / secs, percentile(perInstance, 0.5),
      percentile(perInstance, 0.99));
  engine.reset();
  removeDb(db);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "approval" && argc == 7)
      return approval(argv[2], argv[3], std::atol(argv[4]), std::atoi(argv[5]), argv[6]);
    if (mode == "scale" && argc == 5) return scale(argv[2], std::atol(argv[3]), argv[4]);
    if (mode == "large" && argc == 5) return large(argv[2], argv[3], std::atol(argv[4]));
    std::fprintf(stderr,
                 "usage: ordo_bench approval DB full|normal|memory INSTANCES THREADS MODEL\n"
                 "       ordo_bench scale DB INSTANCES MODEL\n"
                 "       ordo_bench large DB full|normal|memory INSTANCES\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ordo_bench: %s\n", e.what());
    return 1;
  }
}
