// libFuzzer: raw HTTP requests to the server's router in process, every dialect's routes
// (Camunda 7, WeDa, the work-order center, DingTalk, the low-code platform). Beast's parser
// reads the bytes as the server does; a request it accepts goes through ServerState::handle
// (authentication, parameters, the body's schema, the handler) on one in-memory engine with
// the leave approval deployed and an anonymous administrator. Every answer must be a status
// below 500: a 5xx (or a crash, a leak, undefined behaviour) is a finding.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ordo/engine.hpp>
#include <string>

#include "server/state.hpp"

namespace {

namespace http = boost::beast::http;
using namespace ordo;

const char* kModel = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn"
  id="d" targetNamespace="http://ordo.test">
  <process id="leave" name="Leave" isExecutable="true">
    <startEvent id="s"/>
    <userTask id="approve" name="Approve" flowable:assignee="${manager}"/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="approve"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="e"/>
  </process>
</definitions>)";

struct World {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<server::ServerState> state;
  World() {
    EngineOptions o;
    engine = Engine::open(o);
    engine->saveRole("admin", "Administrators");
    engine->saveUser({"admin", "Admin", "", {"admin"}, ""});
    engine->saveUser({"mary", "Mary", "", {}, ""});
    engine->deploy(kModel);
    for (int i = 0; i < 3; ++i) engine->start({"leave", 0, {{"manager", "mary"}}, "", "admin"});
    server::ServerOptions so;
    so.anonymous = "admin";  // every route reachable without a credential
    so.limits.ratePerSecond = 0;
    so.dialects = boost::json::parse(R"({"weda": {"clients": [{"clientId": "c", "clientSecret": "s", "tenant": ""}]},
      "dingtalk": {"apps": [{"appkey": "k", "appsecret": "s", "tenant": ""}]}})").as_object();
    state = std::make_unique<server::ServerState>(*engine, so);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(16 << 10);
  parser.body_limit(1 << 20);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;  // Beast refuses it: the server answers 400 or waits
  auto& msg = parser.get();
  server::Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  server::splitTarget(req.target, req);
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(f.value());
  }
  req.body = msg.body();
  req.requestId = "1";
  req.remote = "127.0.0.1:1";
  std::string user, route;
  auto r = world.state->handle(req, user, route);
  if (r.status >= 500 && r.status != 503) {
    std::fprintf(stderr, "%s %s answered %d: %s\n", req.method.c_str(), req.target.c_str(), r.status, r.body.c_str());
    std::abort();
  }
  return 0;
}
