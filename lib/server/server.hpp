// ordo::server::Server: the HTTP server over one Engine (Boost.Beast, lib/server/server.cpp).
// The route table comes from the dialects (camunda7/ for now); the engine's job executor
// runs inside it. stop() is graceful: no new connections, requests in flight finish.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <ordo/clock.hpp>
#include <ordo/engine.hpp>
#include <string>

#include "server/http.hpp"

namespace ordo::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (start() returns it)
  Limits limits;
  std::string anonymous;  // a user every request without credentials acts as ("admin" for a sandbox)
  std::string accessLog;  // empty: stderr; "off": none; otherwise a file appended to
  // Administrative actions (changes by an administrator, to deployments, identity, tenants,
  // tokens, jobs), accepted or refused, one JSON line each; empty or "off": none.
  std::string auditLog;
  std::int64_t jobPollMillis = 500;
  std::string swaggerDir;  // swagger-ui-dist's folder, served at /engine-rest/docs; empty: none
  std::string consoleDir;  // the web console's build (console/, vite), served at /console/; empty: none
  // Each dialect's settings (its application credentials ...), by dialect name: the
  // "dialects" object of the --config file.
  boost::json::object dialects;
  // Test mode (--test-clock): the engine's clock, which /ordo/test/clock moves. Null: off,
  // and that route answers 404.
  std::shared_ptr<ManualClock> testClock;
  // TLS (Beast's SSL stream over OpenSSL): PEM files of the certificate chain and its key.
  // Without them the server speaks plain HTTP, and only on a loopback address unless
  // allowPlainHttp says otherwise.
  std::string tlsCertificate, tlsKey;
  bool allowPlainHttp = false;
};

class Server {
 public:
  Server(Engine& engine, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, starts the threads and the job executor; returns the port it listens on.
  // TLS when ServerOptions names a certificate (tls() then says so).
  unsigned short start();
  // Stops accepting, lets requests in flight finish, closes idle connections. Any thread.
  void stop();
  // Until stop() and every connection has ended; then stops the job executor.
  void wait();

  const RouteTable& routes() const;
  bool tls() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Every route of the server (the dialects' and the server's own), for the OpenAPI document
// and `ordo-server --routes`.
RouteTable buildRoutes();
boost::json::value openApi(const RouteTable& routes);
boost::json::value routesJson(const RouteTable& routes);

}  // namespace ordo::server
