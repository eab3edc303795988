// A small JSON Schema: enough to describe the routes' bodies in OpenAPI and to refuse a body
// that does not match, naming the field. Builders keep the route table short.
#pragma once

#include <boost/json/value.hpp>
#include <initializer_list>
#include <string>
#include <utility>

namespace ordo::server {

// Throws Error(invalid_argument) naming the first field at fault ("variables.days.type: ...").
void checkSchema(const boost::json::value& schema, const boost::json::value& v, const std::string& at);
// A dialect's own check, run where a schema says "x-ordo-check": name (e.g. Camunda's typed values).
using ValueCheck = void (*)(const boost::json::value& v, const std::string& at);
void registerCheck(const std::string& name, ValueCheck check);

namespace schema {
boost::json::value str(const char* description = nullptr);
boost::json::value integer(const char* description = nullptr);
boost::json::value number(const char* description = nullptr);
boost::json::value boolean(const char* description = nullptr);
boost::json::value any(const char* description = nullptr);
boost::json::value arrayOf(boost::json::value items);
boost::json::value mapOf(boost::json::value values);  // an object with any keys
boost::json::value obj(std::initializer_list<std::pair<const char*, boost::json::value>> properties,
                       std::initializer_list<const char*> required = {});
boost::json::value variables();   // Camunda's {"name": {"value": ..., "type": ...}}
boost::json::value typedValue();  // {"value": ..., "type": ...}
boost::json::value ref(const char* component);
}  // namespace schema

}  // namespace ordo::server
