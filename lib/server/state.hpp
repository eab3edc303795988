// What every request shares: the engine, authentication, metrics, options, the routes.
#pragma once

#include <atomic>
#include <mutex>

#include "server/auth.hpp"
#include "server/metrics.hpp"
#include "server/server.hpp"

namespace ordo::server {

struct ServerState {
  Engine& engine;
  ServerOptions options;
  RouteTable routes;
  Authenticator auth;
  Metrics metrics;
  std::atomic<bool> stopping{false};

  ServerState(Engine& e, ServerOptions o);
  // Routes, authenticates, validates and calls the handler; every failure becomes the
  // dialect's error body. `user` is who asked (for the access log), `route` the template.
  Response handle(Request& request, std::string& user, std::string& route);
};

// Errors of the HTTP layer itself, in the Camunda error body.
Response errorResponse(int status, const std::string& type, const std::string& message,
                       const std::string& ordoCode = {}, const std::string& elementId = {});
Response errorResponse(const Error& e);
int httpStatus(ErrorCode code);

}  // namespace ordo::server
