#include "engine/dispatch.hpp"
#include <limits>

#include <functional>
#include <map>

#include "engine/json.hpp"

namespace ordo::approval {

namespace {

class Request {
 public:
  explicit Request(const boost::json::object& o) : o_(o) {
    static const char* known[] = {"op",          "user",      "task",    "instance", "to",          "target",
                                  "users",       "position",  "comment", "reason",   "variables",   "process",
                                  "businessKey", "processes", "from",    "until",    "keepHistory", "choices"};
    for (const auto& kv : o) {
      bool ok = false;
      for (const char* k : known) ok = ok || kv.key() == k;
      if (!ok)
        throw Error(ErrorCode::invalid_argument, "unknown field '" + std::string(kv.key()) + "' in the operation");
    }
  }
  std::string text(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || it->value().is_null()) return {};
    if (!it->value().is_string())
      throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must be a string");
    return std::string(it->value().as_string());
  }
  std::string required(const char* key) const {
    auto v = text(key);
    if (v.empty()) throw Error(ErrorCode::invalid_argument, "the operation '" + text("op") + "' needs '" + key + "'");
    return v;
  }
  Id id(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || it->value().is_null())
      throw Error(ErrorCode::invalid_argument, "the operation '" + text("op") + "' needs '" + key + "' as an id");
    return json::checkedInteger(it->value(), key, 1, std::numeric_limits<Id>::max());
  }
  std::int64_t number(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || it->value().is_null()) return 0;
    return json::checkedInteger(it->value(), key, std::numeric_limits<std::int64_t>::min(),
                                std::numeric_limits<std::int64_t>::max());
  }
  std::vector<std::string> list(const char* key) const {
    std::vector<std::string> out;
    auto it = o_.find(key);
    if (it == o_.end() || it->value().is_null()) return out;
    if (!it->value().is_array())
      throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must be a list");
    for (const auto& v : it->value().as_array()) {
      if (!v.is_string())
        throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must hold strings");
      out.emplace_back(v.as_string());
    }
    return out;
  }
  std::vector<Id> ids(const char* key) const {
    std::vector<Id> out;
    auto it = o_.find(key);
    if (it == o_.end() || it->value().is_null()) return out;
    if (!it->value().is_array())
      throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must be a list of ids");
    for (const auto& v : it->value().as_array())
      out.push_back(json::checkedInteger(v, key, 1, std::numeric_limits<Id>::max()));
    return out;
  }
  bool flag(const char* key, bool fallback) const {
    auto it = o_.find(key);
    if (it == o_.end() || it->value().is_null()) return fallback;
    if (!it->value().is_bool())
      throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must be true or false");
    return it->value().as_bool();
  }
  Variables variables() const {
    auto it = o_.find("variables");
    if (it == o_.end() || it->value().is_null()) return {};
    if (!it->value().is_object()) throw Error(ErrorCode::invalid_argument, "field 'variables' must be a JSON object");
    return it->value().as_object();
  }

 private:
  const boost::json::object& o_;
};

using Handler = std::function<boost::json::value(Engine&, const Request&)>;

const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> table = {
      {"complete",
       [](Engine& e, const Request& r) {
         e.completeTask(r.id("task"), r.required("user"), r.variables(), r.text("comment"));
         return boost::json::value();
       }},
      {"claim",
       [](Engine& e, const Request& r) {
         e.claimTask(r.id("task"), r.required("user"));
         return boost::json::value();
       }},
      {"unclaim",
       [](Engine& e, const Request& r) {
         e.unclaimTask(r.id("task"), r.required("user"));
         return boost::json::value();
       }},
      {"delegate",
       [](Engine& e, const Request& r) {
         e.delegateTask(r.id("task"), r.required("user"), r.required("to"), r.text("comment"));
         return boost::json::value();
       }},
      {"resolve",
       [](Engine& e, const Request& r) {
         e.resolveTask(r.id("task"), r.required("user"), r.variables(), r.text("comment"));
         return boost::json::value();
       }},
      {"transfer",
       [](Engine& e, const Request& r) {
         e.transferTask(r.id("task"), r.required("user"), r.required("to"), r.text("comment"));
         return boost::json::value();
       }},
      {"urge",
       [](Engine& e, const Request& r) {
         e.urgeTask(r.id("task"), r.required("user"));
         return boost::json::value();
       }},
      {"urgeInstance",
       [](Engine& e, const Request& r) {
         e.urgeInstance(r.id("instance"), r.required("user"));
         return boost::json::value();
       }},
      {"completeOrChoose",
       [](Engine& e, const Request& r) {
         boost::json::array out;
         for (const auto& c : e.completeOrChoose(r.id("task"), r.required("user"), r.variables(), r.text("comment")))
           out.push_back({{"id", c.id}, {"task", c.taskId}, {"node", c.node}, {"user", c.user}});
         return boost::json::value(out);
       }},
      {"submitChoices",
       [](Engine& e, const Request& r) {
         e.submitChoices(r.ids("choices"));
         return boost::json::value();
       }},
      {"skip",
       [](Engine& e, const Request& r) {
         e.skipTask(r.id("task"), r.required("user"), r.text("comment"));
         return boost::json::value();
       }},
      {"return",
       [](Engine& e, const Request& r) {
         e.returnTask(r.id("task"), r.required("user"), r.required("target"), r.text("comment"));
         return boost::json::value();
       }},
      {"returnable",
       [](Engine& e, const Request& r) {
         boost::json::array a;
         for (const auto& n : e.returnableNodes(r.id("task"))) a.emplace_back(n);
         return boost::json::value(std::move(a));
       }},
      {"reject",
       [](Engine& e, const Request& r) {
         e.rejectTask(r.id("task"), r.required("user"), r.text("target"), r.text("comment"));
         return boost::json::value();
       }},
      {"addSigners",
       [](Engine& e, const Request& r) {
         auto position = r.text("position");
         e.addSigners(r.id("task"), r.required("user"), r.list("users"),
                      position.empty() ? SignerPosition::parallel : signerPositionFrom(position));
         return boost::json::value();
       }},
      {"removeSigners",
       [](Engine& e, const Request& r) {
         e.removeSigners(r.id("task"), r.required("user"), r.list("users"));
         return boost::json::value();
       }},
      {"acceptEntrust",
       [](Engine& e, const Request& r) {
         e.acceptEntrustedTask(r.id("task"), r.required("user"));
         return boost::json::value();
       }},
      {"rejectEntrust",
       [](Engine& e, const Request& r) {
         e.rejectEntrustedTask(r.id("task"), r.required("user"), r.text("comment"));
         return boost::json::value();
       }},
      {"withdraw",
       [](Engine& e, const Request& r) {
         e.withdraw(r.id("instance"), r.required("user"));
         return boost::json::value();
       }},
      {"jump",
       [](Engine& e, const Request& r) {
         e.jump(r.id("instance"), r.required("user"), r.required("target"));
         return boost::json::value();
       }},
      {"terminate",
       [](Engine& e, const Request& r) {
         e.terminateInstance(r.id("instance"), r.required("user"), r.text("reason"));
         return boost::json::value();
       }},
      {"invalidate",
       [](Engine& e, const Request& r) {
         e.invalidateInstance(r.id("instance"), r.required("user"), r.text("reason"));
         return boost::json::value();
       }},
      {"suspend",
       [](Engine& e, const Request& r) {
         e.suspendInstance(r.id("instance"), r.required("user"));
         return boost::json::value();
       }},
      {"resume",
       [](Engine& e, const Request& r) {
         e.resumeInstance(r.id("instance"), r.required("user"));
         return boost::json::value();
       }},
      {"cc",
       [](Engine& e, const Request& r) {
         e.ccInstance(r.id("instance"), r.required("user"), r.list("users"));
         return boost::json::value();
       }},
      {"edit",
       [](Engine& e, const Request& r) {
         e.editVariables(r.id("instance"), r.required("user"), r.variables());
         return boost::json::value();
       }},
      {"delete",
       [](Engine& e, const Request& r) {
         e.deleteInstance(r.id("instance"), r.required("user"), r.flag("keepHistory", true));
         return boost::json::value();
       }},
      {"draft",
       [](Engine& e, const Request& r) {
         StartRequest s;
         s.key = r.required("process");
         s.variables = r.variables();
         s.initiator = r.required("user");
         s.businessKey = r.text("businessKey");
         return json::toJson(e.saveDraft(s));
       }},
      {"submit",
       [](Engine& e, const Request& r) {
         return json::toJson(e.submitDraft(r.id("instance"), r.required("user"), r.variables()));
       }},
      {"entrust",
       [](Engine& e, const Request& r) {
         return boost::json::value(
             e.entrust(r.required("user"), r.required("to"), r.list("processes"), r.number("from"), r.number("until")));
       }},
      {"cancelEntrust",
       [](Engine& e, const Request& r) {
         e.cancelEntrust(r.required("user"), r.required("to"));
         return boost::json::value();
       }},
  };
  return table;
}

}  // namespace

boost::json::value runOperation(Engine& engine, const boost::json::object& request) {
  Request r(request);
  auto op = r.required("op");
  auto it = handlers().find(op);
  if (it == handlers().end()) throw Error(ErrorCode::invalid_argument, "unknown operation '" + op + "'");
  return it->second(engine, r);
}

}  // namespace ordo::approval
