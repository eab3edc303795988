// Runs commands in a loop against a database and reports each one on stdout
// only after it returned. The crash test kills this process at random moments.
#include <cstdio>
#include <fstream>
#include <ordo/engine.hpp>
#include <sstream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_worker DB MODEL\n");
    return 2;
  }
  std::ifstream in(argv[2]);
  std::stringstream model;
  model << in.rdbuf();
  ordo::EngineOptions o;
  o.path = argv[1];
  auto engine = ordo::Engine::open(o);
  engine->deploy(model.str());
  for (long i = 0;; ++i) {
    ordo::Variables v;
    v["days"] = i % 7;
    v["manager"] = "m";
    v["director"] = "d";
    auto inst = engine->start({"leaveApproval", 0, v, "bk-" + std::to_string(i), "emp"});
    std::printf("started %lld\n", static_cast<long long>(inst.id));
    std::fflush(stdout);
    ordo::TaskQuery q;
    q.instanceId = inst.id;
    auto tasks = engine->tasks(q);
    ordo::Variables approve;
    approve["approved"] = (i % 3) != 0;
    engine->completeTask(tasks.at(0).id, "m", approve);
    std::printf("completed %lld %lld\n", static_cast<long long>(tasks[0].id), static_cast<long long>(inst.id));
    std::fflush(stdout);
  }
}
