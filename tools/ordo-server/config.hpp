// ordo-server's configuration: command-line options and the --config JSON file, one shape.
#pragma once

#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

#include "server/server.hpp"

namespace ordo::tool {

struct ConfiguredUser {
  User user;
  std::string password;  // empty: keep the stored one
};

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string db = "ordo.db";
  std::vector<std::string> deploy;
  std::string durability = "full";
  std::int64_t jobLockMillis = 5 * 60 * 1000;  // a dead server's jobs are taken over after this long
  bool sampleUsers = false;
  bool testClock = false;
  bool auditLogSet = false;  // else: <db>.audit.log beside a database file  // the engine's clock is a manual one, moved by POST /ordo/test/clock
  server::ServerOptions server;
  std::vector<ConfiguredUser> users;
  std::vector<std::pair<std::string, std::string>> roles;
  std::vector<Department> departments;
  std::vector<Tenant> tenants;
};

// Reads a --config file into `config`; an unknown key is an error that names it.
void readConfigFile(const std::string& path, Config& config);
// host:port; port 0 picks a free one.
void splitListen(const std::string& listen, std::string& host, unsigned short& port);

}  // namespace ordo::tool
