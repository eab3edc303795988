// The OpenAPI 3.1 document and the route dump, both generated from the route table.
#include <boost/json.hpp>

#include "server/schema.hpp"
#include "server/server.hpp"

namespace ordo::server {

namespace {
const char* authName(Auth a) {
  switch (a) {
    case Auth::none: return "none";
    case Auth::user: return "user";
    case Auth::admin: return "admin";
  }
  return "user";
}

std::string operationId(const Route& r) {
  std::string id = r.method;
  for (char c : r.path.substr(r.path.find('/', 1) == std::string::npos ? 0 : r.path.find('/', 1))) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      id += c;
    else if (!id.empty() && id.back() != '_')
      id += '_';
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  return id;
}

boost::json::value paramJson(const Param& p) {
  boost::json::object schema{{"type", p.type == "array" ? "string" : p.type}};
  boost::json::object o{{"name", p.name}, {"in", p.in}, {"required", p.in == "path" || p.required}, {"schema", schema}};
  if (!p.description.empty()) o["description"] = p.description;
  return o;
}
}  // namespace

boost::json::value openApi(const RouteTable& routes) {
  boost::json::object paths;
  for (const auto& r : routes.routes()) {
    boost::json::object op{{"summary", r.summary}, {"operationId", operationId(r)}, {"tags", {r.tag}}};
    boost::json::array params;
    for (const auto& p : r.params) params.push_back(paramJson(p));
    if (!params.empty()) op["parameters"] = params;
    if (!r.requestSchema.is_null()) {
      std::string ct = r.requestContentType.empty() ? "application/json" : r.requestContentType;
      op["requestBody"] = {{"required", false}, {"content", {{ct, {{"schema", r.requestSchema}}}}}};
    }
    boost::json::object responses;
    boost::json::object ok{{"description", r.successStatus == 204 ? "No content" : "Success"}};
    if (!r.responseSchema.is_null()) ok["content"] = {{"application/json", {{"schema", r.responseSchema}}}};
    responses[std::to_string(r.successStatus)] = ok;
    auto err = [](const char* what) {
      return boost::json::object{{"description", what},
                                 {"content", {{"application/json", {{"schema", schema::ref("ExceptionDto")}}}}}};
    };
    responses["400"] = err("Bad request: the message names the field");
    if (!r.requestSchema.is_null()) responses["413"] = err("The body is larger than the limit");
    if (r.auth != Auth::none) {
      responses["401"] = err("No or wrong credentials");
      responses["403"] = err("Not allowed for this user");
    }
    if (r.path.find('{') != std::string::npos) responses["404"] = err("Unknown id (or another tenant's)");
    op["responses"] = responses;
    if (r.auth == Auth::none) op["security"] = boost::json::array();
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!paths.contains(r.path)) paths[r.path] = boost::json::object();
    paths[r.path].as_object()[method] = op;
  }
  boost::json::object exceptionDto =
      schema::obj({{"type", schema::str("Camunda's exception class name")},
                   {"message", schema::str("what went wrong, naming the field at fault")},
                   {"code", schema::integer("Ordo's error code number (ordo::ErrorCode) or the HTTP status")},
                   {"ordoCode", schema::str("Ordo's error code name: not_found, invalid_argument ...")},
                   {"elementId", schema::str("the BPMN element at fault, when there is one")}})
          .as_object();
  return boost::json::object{
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Ordo REST API (Camunda 7 dialect)"},
        {"version", "0.1.0"},
        {"description",
         "Camunda 7's /engine-rest API served by Ordo, plus Ordo's approval operations. See docs/server.md."}}},
      {"servers", {{{"url", "/"}}}},
      {"paths", paths},
      {"components",
       {{"schemas", {{"ExceptionDto", exceptionDto}}},
        {"securitySchemes",
         {{"basic", {{"type", "http"}, {"scheme", "basic"}}}, {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
      {"security", {{{"basic", boost::json::array()}}, {{"bearer", boost::json::array()}}}}};
}

boost::json::value routesJson(const RouteTable& routes) {
  boost::json::array out;
  for (const auto& r : routes.routes()) {
    boost::json::array params;
    for (const auto& p : r.params) params.push_back(paramJson(p));
    out.push_back(
        {{"method", r.method},
         {"path", r.path},
         {"auth", authName(r.auth)},
         {"summary", r.summary},
         {"tag", r.tag},
         {"params", params},
         {"requestSchema", r.requestSchema},
         {"requestContentType",
          r.requestContentType.empty() && !r.requestSchema.is_null() ? "application/json" : r.requestContentType},
         {"successStatus", r.successStatus},
         {"dialect", r.dialect ? boost::json::value(r.dialect->name) : boost::json::value(nullptr)}});
  }
  return out;
}

}  // namespace ordo::server
