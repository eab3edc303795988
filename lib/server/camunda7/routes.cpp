// Every route the server answers: its own (health, metrics, the OpenAPI document, Swagger UI)
// and the Camunda 7 dialect's, each group registered by the file that handles it.
#include <fstream>
#include <sstream>

#include "server/camunda7/common.hpp"
#include "server/dingtalk/dingtalk.hpp"
#include "server/lowcode/lowcode.hpp"
#include "server/state.hpp"
#include "server/static_files.hpp"
#include "server/workorder/workorder.hpp"
#include "server/weda/weda.hpp"

namespace ordo::server {

namespace {

Response docsFile(Call& c, const std::string& file) {
  const auto& dir = c.state.options.swaggerDir;
  if (dir.empty())
    return errorResponse(
        404, "RestException",
        "Swagger UI is not installed: build with npm present (swagger-ui-dist), or read /engine-rest/openapi.json");
  if (file.find("..") != std::string::npos || file.find('/') != std::string::npos)
    return errorResponse(404, "RestException", "no such file");
  std::ifstream in(dir + "/" + file, std::ios::binary);
  if (!in) return errorResponse(404, "RestException", "no such file: " + file);
  std::ostringstream s;
  s << in.rdbuf();
  Response r;
  r.contentType = contentTypeOf(file);
  r.body = s.str();
  return r;
}

const char* kDocsPage = R"html(<!doctype html>
<html><head><meta charset="utf-8"><title>Ordo REST API</title>
<link rel="stylesheet" href="/engine-rest/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/engine-rest/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/engine-rest/openapi.json", dom_id: "#ui"});</script></body></html>
)html";

}  // namespace

RouteTable buildRoutes() {
  using namespace camunda7;
  using namespace schema;
  registerCheck("typedValue", [](const boost::json::value& v, const std::string& at) { untypedValue(v, at); });
  RouteTable t;
  Route health;
  health.method = "GET";
  health.path = "/health";
  health.auth = Auth::none;
  health.tag = "Server";
  health.summary = "Liveness: 200 while the server answers";
  health.responseSchema = obj({{"status", str()}});
  health.handler = [](Call& c) {
    return json(c.state.stopping ? 503 : 200, boost::json::object{{"status", c.state.stopping ? "stopping" : "ok"}});
  };
  t.add(health);
  Route metrics;
  metrics.method = "GET";
  metrics.path = "/metrics";
  metrics.tag = "Server";
  metrics.summary = "Prometheus metrics";
  metrics.handler = [](Call& c) {
    auto now = c.engine.clock().nowMillis();
    double due = 0, incidents = 0, external = 0;
    for (const auto& j : c.engine.jobs())
      if (j.kind == "external")
        ++external;
      else if (j.dueAt && j.dueAt <= now && j.retries > 0)
        ++due;
    for (const auto& i : c.engine.allIncidents())
      if (!i.resolvedAt) ++incidents;
    Response r;
    r.contentType = "text/plain; version=0.0.4";
    r.body = c.state.metrics.render({{"due_jobs", due}, {"open_incidents", incidents}, {"external_tasks", external}});
    return r;
  };
  t.add(metrics);
  t.add(R("GET", "/openapi.json", "Server", "This API as OpenAPI 3.1")
            .handle([](Call& c) { return json(200, openApi(c.state.routes)); })
            .route);
  t.add(R("GET", "/docs", "Server", "Swagger UI")
            .handle([](Call& c) {
              if (c.state.options.swaggerDir.empty()) return docsFile(c, "index.html");
              Response r;
              r.contentType = "text/html; charset=utf-8";
              r.body = kDocsPage;
              return r;
            })
            .route);
  t.add(R("GET", "/docs/{file}", "Server", "Swagger UI's files")
            .handle([](Call& c) { return docsFile(c, c.request.params.at("file")); })
            .route);
  auto clockNow = [](Call& c) {
    if (!c.state.options.testClock)
      throw Error(ErrorCode::not_found, "the test clock is off: start ordo-server with --test-clock");
    return c.state.options.testClock;
  };
  auto clockReply = [](const ManualClock& clock) {
    return json(200, boost::json::object{{"nowMillis", clock.nowMillis()}});
  };
  t.add(R("GET", "/ordo/test/clock", "Server", "Test mode: the engine's clock")
            .admin()
            .returns(obj({{"nowMillis", integer()}}))
            .handle([=](Call& c) { return clockReply(*clockNow(c)); })
            .route);
  t.add(R("POST", "/ordo/test/clock", "Server", "Test mode: move the engine's clock (advanceMillis or setMillis)")
            .admin()
            .body(obj({{"advanceMillis", integer()}, {"setMillis", integer()}}))
            .returns(obj({{"nowMillis", integer()}}))
            .handle([=](Call& c) {
              auto clock = clockNow(c);
              const auto& b = c.body->as_object();
              if (auto* a = b.if_contains("advanceMillis")) {
                if (a->as_int64() < 0) throw Error(ErrorCode::invalid_argument, "advanceMillis: the clock moves forward");
                clock->advance(a->as_int64());
              }
              if (auto* s = b.if_contains("setMillis")) clock->set(s->as_int64());
              return clockReply(*clock);
            })
            .route);
  addIdentityRoutes(t);
  addDeploymentRoutes(t);
  addDefinitionRoutes(t);
  addInstanceRoutes(t);
  addTaskRoutes(t);
  addTaskOperationRoutes(t);
  addExternalTaskRoutes(t);
  addEventAndJobRoutes(t);
  addHistoryRoutes(t);
  addOrdoRoutes(t);
  dingtalk::addRoutes(t);
  lowcode::addRoutes(t);
  workorder::addRoutes(t);
  weda::addRoutes(t);
  return t;
}

}  // namespace ordo::server
