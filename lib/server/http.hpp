// The server's view of HTTP: plain request and response values, a route table, the
// authenticated principal. No Beast here: handlers and dialects compile without it.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

namespace ordo::server {

struct Request {
  std::string method;  // GET, POST ...
  std::string target;  // as sent: path and query
  std::string path;    // without the query, percent-decoded segment by segment
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string requestId;
  std::map<std::string, std::string> params;  // the route's {param}s
  std::string remote;

  const std::string* header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? nullptr : &it->second;
  }
  const std::string* queryParam(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
};

struct Response {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Long polling: instead of answering now, the server calls poll(last) on a pool thread
  // every pollEvery until it returns a response; with last set (the deadline passed or
  // the server stops) it must. No thread waits in between.
  std::function<std::optional<Response>(bool last)> poll;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds pollEvery{200};
};

Response json(int status, const boost::json::value& v);
// Fills r.path (percent-decoded segment by segment, no trailing slash) and r.query from a
// request target as sent.
void splitTarget(const std::string& target, Request& r);
Response noContent();

// Who is asking. Every command acts as `user`.
struct Principal {
  std::string user;
  std::string tenant;
  std::vector<std::string> roles;
  bool admin = false;    // role "admin": may do all, sees every tenant
  bool service = false;  // role "service": may act for the users of its tenant
  std::string via;       // basic, bearer, anonymous
};

enum class Auth { none, user, admin };

struct Param {
  std::string name;
  std::string in = "query";     // path or query
  std::string type = "string";  // string, integer, boolean, array (comma-separated)
  bool required = false;
  std::string description;
};

struct ServerState;

// What a handler gets.
struct Call {
  const Request& request;
  const Principal& who;
  Engine& engine;
  ServerState& state;
  const boost::json::value* body;  // the parsed JSON body (null when the route takes none or it was empty)
};

// A dialect other than Camunda's (WeDa, the work-order center, DingTalk, the low-code
// platform): its own way of saying who asks and its own error body. Its routes point to it;
// a request under its prefix that matches no route gets its error too.
struct Dialect {
  std::string name;
  std::string prefix;  // e.g. /weda/ (paths under it that match no route)
  // Who asks, from the request's headers, query or body; nullopt with `why` set refuses it.
  // Null: the server's Basic/Bearer authentication.
  std::function<std::optional<Principal>(const Request&, ServerState&, std::string& why)> authenticate;
  // The reply to a refused credential (`why` from authenticate).
  std::function<Response(const Request&, const std::string& why)> unauthenticated;
  // The reply to any failure: an engine error, a bad body, an unknown route (not_found),
  // a wrong method (`methodNotAllowed`), an internal error.
  std::function<Response(const Request&, const Error& error, bool methodNotAllowed)> error;
};

struct Route {
  std::string method, path;  // path: a template with {param}s, e.g. /engine-rest/task/{id}/claim
  Auth auth = Auth::user;
  std::string tag, summary;
  std::vector<Param> params;          // the {param}s of the path and the query parameters
  boost::json::value requestSchema;   // JSON Schema of the body; null: no JSON body
  boost::json::value responseSchema;  // JSON Schema of the success body; null: none
  std::string requestContentType;     // default application/json when requestSchema is set
  int successStatus = 200;
  bool largeBody = false;  // the deployment limit instead of the default
  std::shared_ptr<const Dialect> dialect;  // null: Camunda's (and the server's own)
  std::function<Response(Call&)> handler;
};

class RouteTable {
 public:
  void add(Route r);
  const std::vector<Route>& routes() const { return routes_; }
  void addDialect(std::shared_ptr<const Dialect> d) { dialects_.push_back(std::move(d)); }
  // The dialect whose prefix the path falls under; null: Camunda's.
  const Dialect* dialectFor(const std::string& path) const;
  // The route for method and path, with its params filled; null when none. `pathKnown` tells
  // whether some route has that path with another method (405 rather than 404).
  const Route* match(const std::string& method, const std::string& path, std::map<std::string, std::string>& params,
                     bool& pathKnown) const;

 private:
  std::vector<Route> routes_;
  std::vector<std::shared_ptr<const Dialect>> dialects_;
};

// Limits and knobs of the HTTP layer.
struct Limits {
  std::size_t bodyBytes = 1 << 20;
  std::size_t deploymentBytes = 16 << 20;
  std::size_t headerBytes = 16 << 10;
  std::chrono::milliseconds readTimeout{10000};
  int threads = 0;  // pool threads; 0: from the hardware
  int ioThreads = 2;
  int maxConnections = 1024;  // beyond: 503 and closed at once, the others unaffected
  // Per credential (each authenticated user): a token bucket of rateBurst requests refilled
  // at ratePerSecond; an empty bucket answers 429 with Retry-After. 0: no limit.
  double ratePerSecond = 1000;
  double rateBurst = 2000;
};

}  // namespace ordo::server
