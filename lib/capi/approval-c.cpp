// The C ABI: approval operations, lists, instance detail, canvas, identity, inbox.
#include "capi/capi.hpp"
#include "engine/dispatch.hpp"
#include "engine/json.hpp"

using namespace ordo;
using namespace ordo::capi;

extern "C" {

int ordo_operation_run(char** out_json, ordo_engine* engine, const char* request_json) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto request =
        requestObject(request_json, "request_json", {kId("task"), kId("instance"), kMillis("from"), kMillis("until")});
    *out_json = ownedJson(approval::runOperation(engineOf(engine), request));
  });
}

int ordo_list_query(char** out_json, int64_t* out_count, ordo_engine* engine, const char* query_json) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto q = json::listQuery(
        requestObject(query_json, "query_json", {kMillis("startedFrom"), kMillis("startedTo"), kOffset, kLimit}));
    auto& e = engineOf(engine);
    boost::json::array a;
    for (const auto& item : e.list(q)) a.push_back(json::toJson(item));
    std::int64_t total = out_count ? e.count(q) : 0;
    char* text = ownedJson(a);  // the last thing that may fail: on failure neither out-parameter is written
    if (out_count) *out_count = total;
    *out_json = text;
  });
}

int ordo_instance_detail(char** out_json, ordo_engine* engine, int64_t instance_id, const char* user) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    *out_json = ownedJson(json::toJson(engineOf(engine).instanceDetail(instance_id, str(user))));
  });
}

int ordo_instance_canvas(char** out_json, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    *out_json = ownedJson(json::toJson(engineOf(engine).canvas(instance_id)));
  });
}

int ordo_inbox_list(char** out_json, ordo_engine* engine, const char* query_json) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto q = requestObject(query_json, "query_json", {kOffset, kLimit});
    for (const auto& kv : q)
      if (kv.key() != "user" && kv.key() != "unreadOnly" && kv.key() != "type" && kv.key() != "offset" &&
          kv.key() != "limit")
        throw Error(ErrorCode::invalid_argument, "unknown field '" + std::string(kv.key()) + "' in the inbox query");
    auto text = [&](const char* key) {
      auto it = q.find(key);
      if (it == q.end() || it->value().is_null()) return std::string();
      if (!it->value().is_string())
        throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must be a string");
      return std::string(it->value().as_string());
    };
    auto user = text("user");
    if (user.empty()) throw Error(ErrorCode::invalid_argument, "field 'user' is required");
    bool unreadOnly = false;
    if (auto it = q.find("unreadOnly"); it != q.end() && !it->value().is_null()) {
      if (!it->value().is_bool()) throw Error(ErrorCode::invalid_argument, "field 'unreadOnly' must be true or false");
      unreadOnly = it->value().as_bool();
    }
    auto number = [&](const char* key, int fallback) {
      auto it = q.find(key);
      if (it == q.end() || it->value().is_null()) return fallback;
      return static_cast<int>(integerOf(it->value(), key, 0, kMaxInt));  // checked above
    };
    boost::json::array a;
    for (const auto& m :
         engineOf(engine).inbox(user, unreadOnly, number("offset", 0), number("limit", 100), text("type")))
      a.push_back(json::toJson(m));
    *out_json = ownedJson(a);
  });
}

int ordo_inbox_counts(char** out_json, ordo_engine* engine, const char* user) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!user || !*user) throw Error(ErrorCode::invalid_argument, "user is NULL or empty");
    boost::json::object o;
    for (const auto& [type, n] : engineOf(engine).inboxCounts(user)) o[type] = n;
    *out_json = ownedJson(o);
  });
}

int ordo_list_counts(char** out_json, ordo_engine* engine, const char* user) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!user || !*user) throw Error(ErrorCode::invalid_argument, "user is NULL or empty");
    *out_json = ownedJson(json::toJson(engineOf(engine).lists(user)));
  });
}

int ordo_inbox_mark(ordo_engine* engine, int64_t message_id, const char* user, int read) {
  return guard(engine, [&] { engineOf(engine).markRead(message_id, str(user), read != 0); });
}

}  // extern "C"
