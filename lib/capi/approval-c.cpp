// The C ABI: approval operations, lists, instance detail, canvas, identity, inbox.
#include "approval/dispatch.hpp"
#include "capi/capi.hpp"
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
    if (out_count) *out_count = e.count(q);
    *out_json = ownedJson(a);
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

int ordo_user_save(ordo_engine* engine, const char* user_json) {
  return guard(engine, [&] {
    if (!user_json) throw Error(ErrorCode::invalid_argument, "user_json is NULL");
    engineOf(engine).saveUser(json::user(json::parseObject(user_json, "user_json")));
  });
}

int ordo_inbox_list(char** out_json, ordo_engine* engine, const char* user, int unread_only, int offset, int limit) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!user) throw Error(ErrorCode::invalid_argument, "user is NULL");
    checkArgument(offset, "offset", 0, kMaxInt);
    checkArgument(limit, "limit", 0, kMaxInt);
    boost::json::array a;
    for (const auto& m : engineOf(engine).inbox(user, unread_only != 0, offset, limit)) a.push_back(json::toJson(m));
    *out_json = ownedJson(a);
  });
}

int ordo_inbox_mark(ordo_engine* engine, int64_t message_id, const char* user, int read) {
  return guard(engine, [&] { engineOf(engine).markRead(message_id, str(user), read != 0); });
}

}  // extern "C"
