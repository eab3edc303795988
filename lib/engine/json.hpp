// The engine's value types as JSON, the shape the C ABI and the HTTP API carry.
#pragma once

#include <boost/json/value.hpp>
#include <ordo/diagnostic.hpp>
#include <ordo/engine.hpp>

namespace ordo::json {

boost::json::value toJson(const Definition& d);
boost::json::value toJson(const Instance& i);
boost::json::value toJson(const Task& t);
boost::json::value toJson(const HistoryEntry& h);
boost::json::value toJson(const ExternalTask& e);
boost::json::value toJson(const Diagnostic& d);
boost::json::value toJson(const InboxMessage& m);
boost::json::value toJson(const ListItem& item);
boost::json::value toJson(const InstanceDetail& d);
boost::json::value toJson(const Canvas& c);
boost::json::value toJson(const UserLists& l);
User user(const boost::json::object& o);
ListQuery listQuery(const boost::json::object& o);

// Parse requests; throw Error(invalid_argument) naming the field at fault.
boost::json::object parseObject(const char* text, const char* what);  // NULL or "" -> {}
StartRequest startRequest(const boost::json::object& o);
TaskQuery taskQuery(const boost::json::object& o);
InstanceQuery instanceQuery(const boost::json::object& o);
MessageCorrelation messageCorrelation(const boost::json::object& o);

// A JSON number as an integer in [min, max], or invalid_argument naming `field`: a fraction,
// an exponent, a value beyond int64 or outside the range is refused, never wrapped.
std::int64_t checkedInteger(const boost::json::value& v, const std::string& field, std::int64_t min, std::int64_t max);

}  // namespace ordo::json
