// What every request shares: the engine, authentication, metrics, options, the routes.
#pragma once

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "server/auth.hpp"
#include "server/metrics.hpp"
#include "server/server.hpp"

namespace ordo::server {

// Every definition with its deployment's tenant: read for nearly every request that names a
// definition, so kept for two seconds (or until this server deploys or deletes).
struct DefinitionCatalog {
  std::vector<std::pair<Definition, Engine::DefinitionOrigin>> all;
  std::chrono::steady_clock::time_point readAt;
};

// Per-credential request rates (Limits::ratePerSecond): one token bucket per user.
class RateLimiter {
 public:
  // Takes a token for `who`; false when its bucket is empty (`retryAfter`: seconds to wait).
  bool admit(const std::string& who, double perSecond, double burst, int& retryAfter);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex m_;
  std::map<std::string, Bucket> buckets_;
};

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD: what a client sent
// (a path, a user name) goes into the logs as valid JSON text.
std::string validUtf8(const std::string& s);

// The audit log (ServerOptions::auditLog): one JSON line per administrative request.
class AuditLog {
 public:
  explicit AuditLog(const std::string& path);
  bool on() const { return file_.is_open(); }
  void write(const boost::json::object& line);

 private:
  std::mutex m_;
  std::ofstream file_;
};

struct ServerState {
  Engine& engine;
  ServerOptions options;
  RouteTable routes;
  Authenticator auth;
  Metrics metrics;
  RateLimiter rates;
  AuditLog audit;
  std::atomic<bool> stopping{false};
  std::mutex catalogMutex;
  std::shared_ptr<const DefinitionCatalog> catalog;

  std::shared_ptr<const DefinitionCatalog> definitions();
  void forgetDefinitions();

  ServerState(Engine& e, ServerOptions o);
  // Routes, authenticates, validates and calls the handler; every failure becomes the
  // dialect's error body. `user` is who asked (for the access log), `route` the template.
  Response handle(Request& request, std::string& user, std::string& route);

 private:
  struct Audited {
    const Route* route = nullptr;
    bool admin = false;
  };
  Response dispatch(Request& request, std::string& user, std::string& route, Audited& audited);
};

// Errors of the HTTP layer itself, in the Camunda error body.
Response errorResponse(int status, const std::string& type, const std::string& message,
                       const std::string& ordoCode = {}, const std::string& elementId = {});
Response errorResponse(const Error& e);
int httpStatus(ErrorCode code);

}  // namespace ordo::server
