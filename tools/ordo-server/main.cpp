// ordo-server: the Ordo engine behind HTTP (the Camunda 7 REST API at /engine-rest).
#include <pthread.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "config.hpp"
#include "server/auth.hpp"
#include "server/server.hpp"

namespace fs = std::filesystem;
using namespace ordo;

namespace {

// postgresql://user:secret@host/db as postgresql://user:***@host/db, for the log.
std::string withoutPassword(const std::string& db) {
  auto scheme = db.find("://");
  auto at = db.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return db;
  auto colon = db.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return db;
  return db.substr(0, colon + 1) + "***" + db.substr(at);
}

const char* kUsage = R"(usage: ordo-server [options]

  --listen HOST:PORT   where to listen (default 127.0.0.1:8080; port 0 picks a free port)
  --db FILE|URL        the SQLite database (default ordo.db, created when missing), or a PostgreSQL
                       database shared by several servers: postgresql://user@host:port/dbname
                       (docs/scale-out.md)
  --deploy DIR         deploy every .bpmn / .bpmn20.xml in DIR (repeatable; identical XML is not redeployed),
                       each with the form-js schemas DIR holds (KEY.form: the schema of flowable:formKey KEY)
  --config FILE        a JSON file with any of: listen, db, deploy, durability, anonymous, accessLog,
                       jobPollMillis, jobLockMillis, limits, users, roles, departments, tenants, sampleUsers, swaggerDir, consoleDir,
                       dialects (each dialect's settings by name), testClock
  --console DIR        the web console's files, served at /console/ (default: the build's console/dist)
  --sample-users       create employee, manager, director and admin (passwords printed)
  --audit-log FILE      administrative requests, one JSON line each (default DB.audit.log; "off": none)
  --test-clock         test mode: the engine's clock starts now and moves only by POST /ordo/test/clock
  --anonymous USER     requests without credentials act as USER (a local sandbox: --anonymous admin)
  --access-log FILE    JSON lines access log (default stderr; "off" for none)
  --routes             print the route table as JSON and exit
  --openapi            print the OpenAPI document and exit
  --help               this text

The first line on stdout is "ordo-server listening on http://HOST:PORT". SIGINT or SIGTERM
stops it gracefully: no new connections, requests in flight finish, the job executor stops.
See docs/server.md.
)";

struct Sample {
  const char* id;
  const char* name;
  const char* password;
  std::vector<std::string> roles;
  const char* department;
};

const std::vector<Sample>& samples() {
  static const std::vector<Sample> s{
      {"employee", "Emma Employee", "employee-pass", {"employees"}, "sales"},
      {"manager", "Mark Manager", "manager-pass", {"managers", "dispatchers"}, "sales"},
      {"director", "Diana Director", "director-pass", {"directors", "supervisors"}, "headquarters"},
      {"admin", "Ada Admin", "admin-pass", {"admin"}, "headquarters"},
  };
  return s;
}

void deployDir(Engine& engine, const std::string& dir, std::ostream& report) {
  if (!fs::is_directory(dir)) throw Error(ErrorCode::invalid_argument, "--deploy: '" + dir + "' is not a directory");
  std::vector<fs::path> files;
  std::map<std::string, std::string> forms;  // form key -> form-js schema, deployed with each model
  for (const auto& e : fs::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    auto ends = [&](const std::string& s) {
      return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    if (e.is_regular_file() && (ends(".bpmn") || ends(".bpmn20.xml"))) files.push_back(e.path());
    if (e.is_regular_file() && ends(".form")) {
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream schema;
      schema << in.rdbuf();
      forms[e.path().stem().string()] = schema.str();
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream xml;
    xml << in.rdbuf();
    DeploymentRequest req;
    req.name = f.filename().string();
    req.source = "ordo-server --deploy";
    req.resources.push_back({f.filename().string(), xml.str()});
    req.duplicateFiltering = true;
    req.forms = forms;
    try {
      auto d = engine.deployResources(req);
      for (const auto& def : d.definitions)
        report << "  " << (d.created ? "deployed " : "unchanged ") << def.key << " v" << def.version << " ("
               << f.string() << ")\n";
    } catch (const Error& e) {
      throw Error(e.code(), f.string() + ": " + e.what());
    }
  }
}

void saveUser(Engine& engine, const User& u, const std::string& password) {
  for (const auto& r : u.roles) {
    bool known = false;
    for (const auto& [id, name] : engine.roles()) known = known || id == r;
    if (!known) engine.saveRole(r, r);
  }
  engine.saveUser(u);
  if (!password.empty()) engine.setPasswordHash(u.id, server::Authenticator::hashPassword(password));
}

}  // namespace

int main(int argc, char** argv) {
  tool::Config config;
  bool printRoutes = false, printOpenApi = false;
  std::string configFile;
  std::optional<std::string> listen, db, anonymous, accessLog, auditLog, consoleDir;
  std::vector<std::string> deploy;
  bool sampleFlag = false, testClock = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "ordo-server: " << what << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--listen") {
      listen = value("--listen");
    } else if (a == "--db") {
      db = value("--db");
    } else if (a == "--deploy") {
      deploy.push_back(value("--deploy"));
    } else if (a == "--config") {
      configFile = value("--config");
    } else if (a == "--console") {
      consoleDir = value("--console");
    } else if (a == "--sample-users") {
      sampleFlag = true;
    } else if (a == "--anonymous") {
      anonymous = value("--anonymous");
    } else if (a == "--access-log") {
      accessLog = value("--access-log");
    } else if (a == "--audit-log") {
      auditLog = value("--audit-log");
    } else if (a == "--test-clock") {
      testClock = true;
    } else if (a == "--routes") {
      printRoutes = true;
    } else if (a == "--openapi") {
      printOpenApi = true;
    } else {
      std::cerr << "ordo-server: unknown option '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (printRoutes || printOpenApi) {
    auto routes = server::buildRoutes();
    std::cout << boost::json::serialize(printRoutes ? server::routesJson(routes) : server::openApi(routes)) << "\n";
    return 0;
  }
  try {
#ifdef ORDO_SWAGGER_DIR
    if (fs::exists(fs::path(ORDO_SWAGGER_DIR) / "swagger-ui-bundle.js")) config.server.swaggerDir = ORDO_SWAGGER_DIR;
#endif
#ifdef ORDO_CONSOLE_DIR
    if (fs::exists(fs::path(ORDO_CONSOLE_DIR) / "index.html")) config.server.consoleDir = ORDO_CONSOLE_DIR;
#endif
    if (!configFile.empty()) tool::readConfigFile(configFile, config);
    // The command line wins over the file.
    if (listen) config.listen = *listen;
    if (db) config.db = *db;
    for (auto& d : deploy) config.deploy.push_back(d);
    if (anonymous) config.server.anonymous = *anonymous;
    if (accessLog) config.server.accessLog = *accessLog;
    if (consoleDir) config.server.consoleDir = *consoleDir;
    if (!config.server.consoleDir.empty() && !fs::exists(fs::path(config.server.consoleDir) / "index.html"))
      throw Error(ErrorCode::invalid_argument, "console: '" + config.server.consoleDir + "' has no index.html");
    config.sampleUsers = config.sampleUsers || sampleFlag;
    config.testClock = config.testClock || testClock;
    if (auditLog) {
      config.server.auditLog = *auditLog;
      config.auditLogSet = true;
    }
    // On PostgreSQL the database string is no file name: the audit log is ordo.audit.log here.
    if (!config.auditLogSet && config.db != ":memory:")
      config.server.auditLog = config.db.rfind("postgres", 0) == 0 ? "ordo.audit.log" : config.db + ".audit.log";
    tool::splitListen(config.listen, config.server.host, config.server.port);

    // SIGINT and SIGTERM are waited for by one thread; every other thread blocks them.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    EngineOptions eo;
    eo.path = config.db;
    eo.jobLockMillis = config.jobLockMillis;
    eo.durability = config.durability == "normal" ? EngineOptions::Durability::normal : EngineOptions::Durability::full;
    eo.readConnections = 8;
    if (config.testClock) {
      config.server.testClock = std::make_shared<ManualClock>(SystemClock().nowMillis());
      eo.clock = config.server.testClock;
    }
    auto engine = Engine::open(eo);
    for (const auto& [id, name] : config.roles) engine->saveRole(id, name);
    for (const auto& d : config.departments) engine->saveDepartment(d);
    for (const auto& t : config.tenants) engine->saveTenant(t);
    for (const auto& u : config.users) saveUser(*engine, u.user, u.password);
    std::vector<const Sample*> created;
    if (config.sampleUsers) {
      engine->saveDepartment({"headquarters", "Headquarters", "", "director"});
      engine->saveDepartment({"sales", "Sales", "headquarters", "manager"});
      for (const auto& s : samples()) {
        bool fresh = !engine->user(s.id) || engine->passwordHash(s.id).empty();
        saveUser(*engine, User{s.id, s.name, s.department, s.roles, ""}, fresh ? s.password : "");
        if (fresh) created.push_back(&s);
      }
    }
    std::ostringstream deployed;  // printed after the first line, which tests read for the URL
    for (const auto& d : config.deploy) deployDir(*engine, d, deployed);

    server::Server srv(*engine, config.server);
    auto port = srv.start();
    std::string host =
        config.server.host.find(':') != std::string::npos ? "[" + config.server.host + "]" : config.server.host;
    const char* scheme = srv.tls() ? "https" : "http";
    std::cout << "ordo-server listening on " << scheme << "://" << host << ":" << port << std::endl;
    std::cout << "  Camunda 7 REST API: " << scheme << "://" << host << ":" << port
              << "/engine-rest  (OpenAPI: /engine-rest/openapi.json)\n";
    if (!config.server.consoleDir.empty())
      std::cout << "  web console: " << scheme << "://" << host << ":" << port << "/console/\n";
    std::cout << "  database: " << withoutPassword(config.db) << "\n" << deployed.str();
    if (!config.server.auditLog.empty() && config.server.auditLog != "off")
      std::cout << "  audit log: " << config.server.auditLog << "\n";
    if (config.sampleUsers) {
      std::cout << "  sample users (HTTP Basic):\n";
      for (const auto& s : samples()) {
        bool isNew = std::find(created.begin(), created.end(), &s) != created.end();
        std::cout << "    " << s.id << " / " << (isNew ? s.password : "(password kept from before)") << "  roles:";
        for (const auto& r : s.roles) std::cout << " " << r;
        std::cout << "\n";
      }
    }
    if (config.testClock) std::cout << "  test mode: the clock moves only by POST /ordo/test/clock\n";
    if (!config.server.anonymous.empty())
      std::cout << "  requests without credentials act as '" << config.server.anonymous << "'\n";
    std::cout << "  Ctrl-C stops it." << std::endl;

    std::thread waiter([&] {
      int sig = 0;
      sigwait(&stopSignals, &sig);
      std::cerr << "ordo-server: stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
      srv.stop();
    });
    srv.wait();
    // wait() returns only after stop(); the waiter has returned from sigwait by then.
    waiter.join();
    engine.reset();
    std::cerr << "ordo-server: stopped\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "ordo-server: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ordo-server: " << e.what() << "\n";
    return 1;
  }
}
