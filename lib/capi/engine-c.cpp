// The C ABI: the engine handle, validation, definitions and forms.
#include <map>

#include "capi/capi.hpp"
#include "engine/json.hpp"

namespace ordo::capi {

namespace {

class CallbackClock final : public Clock {
 public:
  CallbackClock(int64_t (*fn)(void*), void* payload) : fn_(fn), payload_(payload) {}
  std::int64_t nowMillis() const override { return fn_(payload_); }

 private:
  int64_t (*fn_)(void*);
  void* payload_;
};

// forms_json: {"formKey": schema object, or a string holding the schema}.
std::map<std::string, std::string> formsFrom(const char* text) {
  std::map<std::string, std::string> forms;
  for (const auto& kv : json::parseObject(text, "forms_json")) {
    std::string key(kv.key());
    if (kv.value().is_string())
      forms[key] = std::string(kv.value().as_string());
    else if (kv.value().is_object())
      forms[key] = boost::json::serialize(kv.value());
    else
      throw Error(ErrorCode::invalid_argument,
                  "forms_json: the schema of form '" + key + "' must be a JSON object (or a string holding one)");
  }
  return forms;
}

}  // namespace

}  // namespace ordo::capi

using namespace ordo;
using namespace ordo::capi;

extern "C" {

int ordo_engine_open(ordo_engine** out, const ordo_options* options) {
  return guard(nullptr, [&] {
    requireOut(out, "out");
    if (!options) throw Error(ErrorCode::invalid_argument, "options is NULL (use ORDO_OPTIONS_INIT)");
    if (options->version != ORDO_OPTIONS_VERSION)
      throw Error(ErrorCode::invalid_argument,
                  "options version " + std::to_string(options->version) +
                      " is not supported (this library: " + std::to_string(ORDO_OPTIONS_VERSION) + ")");
    if (options->durability != ORDO_DURABILITY_FULL && options->durability != ORDO_DURABILITY_NORMAL)
      throw Error(ErrorCode::invalid_argument, "options.durability must be ORDO_DURABILITY_FULL or _NORMAL");
    EngineOptions o;
    o.path = options->path ? options->path : ":memory:";
    o.durability = options->durability == ORDO_DURABILITY_NORMAL ? EngineOptions::Durability::normal
                                                                 : EngineOptions::Durability::full;
    o.readConnections = options->read_connections > 0 ? options->read_connections : 4;
    auto handle = std::make_unique<ordo_engine>();
    if (options->clock) handle->clock = std::make_shared<CallbackClock>(options->clock, options->clock_payload);
    o.clock = handle->clock;
    handle->engine = Engine::open(o);
    *out = handle.release();
  });
}

void ordo_engine_close(ordo_engine* engine) {
  if (!engine) return;
  dropErrors(engine);
  delete engine;
}

void ordo_engine_interrupt(ordo_engine* engine) {
  if (engine && engine->engine) engine->engine->interrupt();
}

int ordo_model_validate(char** out_json, const char* xml, int purpose) {
  std::vector<Diagnostic> ds;
  int rc = guard(nullptr, [&] {
    requireOut(out_json, "out_json");
    if (!xml) throw Error(ErrorCode::invalid_argument, "xml is NULL");
    if (purpose != 0 && purpose != 1)
      throw Error(ErrorCode::invalid_argument,
                  "purpose must be 0 (interchange) or 1 (execution), not " + std::to_string(purpose));
    ValidationOptions o;
    o.purpose = purpose == 1 ? ValidationPurpose::execution : ValidationPurpose::interchange;
    ds = validate(xml, o);
    boost::json::array a;
    for (const auto& d : ds) a.push_back(json::toJson(d));
    *out_json = ownedJson(a);
  });
  if (rc != ORDO_OK) return rc;
  if (hasErrors(ds)) {
    setError(nullptr, ORDO_EPARSE, "the model has errors", {}, &ds);
    return ORDO_EPARSE;
  }
  return ORDO_OK;
}

int ordo_definition_deploy(char** out_json, ordo_engine* engine, const char* xml, const char* forms_json) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!xml) throw Error(ErrorCode::invalid_argument, "xml is NULL");
    auto& e = engineOf(engine);
    auto d = forms_json ? e.deploy(xml, formsFrom(forms_json)) : e.deploy(xml);
    boost::json::array defs;
    for (const auto& x : d.definitions) defs.push_back(json::toJson(x));
    *out_json = ownedJson(boost::json::object{{"created", d.created}, {"definitions", std::move(defs)}});
  });
}

int ordo_definition_list(char** out_json, ordo_engine* engine) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    boost::json::array a;
    for (const auto& d : engineOf(engine).definitions()) a.push_back(json::toJson(d));
    *out_json = ownedJson(a);
  });
}

int ordo_definition_list_startable(char** out_json, ordo_engine* engine, const char* user) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!user || !*user) throw Error(ErrorCode::invalid_argument, "user is NULL or empty");
    boost::json::array a;
    for (const auto& d : engineOf(engine).startableDefinitions(user)) a.push_back(json::toJson(d));
    *out_json = ownedJson(a);
  });
}

int ordo_definition_get(char** out_json, ordo_engine* engine, int64_t definition_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    *out_json = ownedJson(json::toJson(engineOf(engine).definition(definition_id)));
  });
}

int ordo_definition_start_form(char** out_json, ordo_engine* engine, const char* key) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!key || !*key) throw Error(ErrorCode::invalid_argument, "key is NULL or empty");
    auto [formKey, schemaText] = engineOf(engine).startForm(key);
    boost::json::value schema = boost::json::object();
    if (!schemaText.empty()) {
      boost::system::error_code ec;
      schema = boost::json::parse(schemaText, ec);
      if (ec) schema = boost::json::string(schemaText);  // deploy checked it; never fail a read over it
    }
    *out_json = ownedJson(boost::json::object{{"formKey", formKey}, {"schema", std::move(schema)}});
  });
}

}  // extern "C"
