#include "script/javascript.hpp"

#include <duktape.h>

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "script/sandbox.hpp"

namespace ordo::script {

namespace {

// A duktape heap's memory, counted against its cap: a script that asks for more gets
// duktape's "alloc failed" RangeError, never the engine's memory.
struct Budget {
  std::size_t used = 0, cap = 0;
  bool exhausted = false;
};
constexpr std::size_t kHeader = 16;  // keeps the block's size; 16 keeps duktape's alignment
constexpr std::size_t kAnswerBytes = std::size_t{1} << 20;

void* allocate(void* udata, duk_size_t size) {
  auto& b = *static_cast<Budget*>(udata);
  if (b.used + size > b.cap) {
    b.exhausted = true;
    return nullptr;
  }
  auto* block = static_cast<char*>(std::malloc(size + kHeader));
  if (!block) return nullptr;
  std::memcpy(block, &size, sizeof size);
  b.used += size;
  return block + kHeader;
}

void release(void* udata, void* ptr) {
  if (!ptr) return;
  auto* block = static_cast<char*>(ptr) - kHeader;
  duk_size_t size;
  std::memcpy(&size, block, sizeof size);
  static_cast<Budget*>(udata)->used -= size;
  std::free(block);
}

void* reallocate(void* udata, void* ptr, duk_size_t size) {
  if (!ptr) return allocate(udata, size);
  if (size == 0) {
    release(udata, ptr);
    return nullptr;
  }
  auto& b = *static_cast<Budget*>(udata);
  auto* block = static_cast<char*>(ptr) - kHeader;
  duk_size_t old;
  std::memcpy(&old, block, sizeof old);
  if (size > old && b.used + (size - old) > b.cap) {
    b.exhausted = true;
    return nullptr;
  }
  auto* moved = static_cast<char*>(std::realloc(block, size + kHeader));
  if (!moved) return nullptr;
  std::memcpy(moved, &size, sizeof size);
  b.used = b.used - old + size;
  return moved + kHeader;
}

// The child's answer pipe, for the fatal handler (the child has this one thread only).
int gAnswerFd = -1;
Budget* gChildBudget = nullptr;

[[noreturn]] void fatalInChild(void*, const char* msg) {
  std::string answer = "{\"error\":" + boost::json::serialize(boost::json::value(std::string("fatal: ") + msg)) +
                       (gChildBudget && gChildBudget->exhausted ? ",\"memory\":true}" : "}");
  writeAll(gAnswerFd, answer.data(), answer.size());
  ::_exit(4);
}

[[noreturn]] void fatalInProcess(void*, const char* msg) {
  // Only compileError runs duktape in the engine's process, inside protected calls.
  std::fprintf(stderr, "ordo: duktape fatal error while compiling a script: %s\n", msg);
  std::abort();
}

// Runs before the script, with the variables and the execution: makes the globals Flowable's
// and Camunda's scripts use, and returns the function that writes the answer afterwards.
constexpr const char* kPrelude = R"JS((function (payload, global) {
  var vars = payload.variables, sets = [], builtins = {}, before = {}, x = payload.execution;
  Object.getOwnPropertyNames(global).forEach(function (k) { builtins[k] = true; });
  function own(n) { return Object.prototype.hasOwnProperty.call(vars, n); }
  function BpmnError(code, message) {
    if (!(this instanceof BpmnError)) return new BpmnError(code, message);
    this.errorCode = String(code);
    this.message = message === undefined ? '' : String(message);
  }
  BpmnError.prototype.toString = function () { return 'BpmnError: ' + this.errorCode; };
  var types = {
    'org.flowable.engine.delegate.BpmnError': BpmnError,
    'org.camunda.bpm.engine.delegate.BpmnError': BpmnError,
    'org.activiti.engine.delegate.BpmnError': BpmnError
  };
  function set(n, v, local) {
    n = String(n);
    vars[n] = v;
    sets.push([n, v === undefined ? null : v, local]);
    if (!builtins[n]) global[n] = v;
  }
  var execution = {
    getVariable: function (n) { n = String(n); return own(n) ? vars[n] : null; },
    getVariableLocal: function (n) { n = String(n); return own(n) ? vars[n] : null; },
    hasVariable: function (n) { return own(String(n)); },
    getVariables: function () { var o = {}; for (var k in vars) o[k] = vars[k]; return o; },
    getVariableNames: function () { return Object.keys(vars); },
    setVariable: function (n, v) { set(n, v, false); },
    setVariableLocal: function (n, v) { set(n, v, true); },
    getId: function () { return x.id; },
    getProcessInstanceId: function () { return x.processInstanceId; },
    getActivityId: function () { return x.activityId; },
    getCurrentActivityId: function () { return x.activityId; },
    getProcessBusinessKey: function () { return x.processBusinessKey; },
    getBusinessKey: function () { return x.processBusinessKey; },
    getProcessDefinitionId: function () { return x.processDefinitionId; },
    getTenantId: function () { return x.tenantId; }
  };
  for (var k in x) execution[k] = x[k];
  function pkg(path) {
    var o = {}, cur = o;
    for (var i = 0; i < path.length; i++) cur = cur[path[i]] = {};
    cur.BpmnError = BpmnError;
    return o.org;
  }
  var helpers = {
    execution: execution, BpmnError: BpmnError, print: function () {},
    Packages: { org: { flowable: pkg(['org', 'flowable', 'engine', 'delegate']).flowable,
                       camunda: pkg(['org', 'camunda', 'bpm', 'engine', 'delegate']).camunda,
                       activiti: pkg(['org', 'activiti', 'engine', 'delegate']).activiti } },
    Java: { type: function (name) {
      if (types[name]) return types[name];
      throw new TypeError('Java class ' + name + ' is not available to Ordo scripts');
    } }
  };
  for (var h in helpers) { global[h] = helpers[h]; builtins[h] = true; }
  for (var v in vars) if (!builtins[v]) { global[v] = vars[v]; before[v] = JSON.stringify(vars[v]); }
  return function (ok, value, memory) {
    if (!ok) {
      if (value instanceof BpmnError) return JSON.stringify({ bpmnError: value.errorCode, message: value.message });
      return JSON.stringify({ error: String(value), memory: memory });
    }
    var out = { sets: sets };
    if (value !== undefined && typeof value !== 'function') out.result = value;
    if (payload.autoStore) Object.keys(global).forEach(function (k) {
      var g = global[k];
      if (builtins[k] || g === undefined || typeof g === 'function') return;
      var text = JSON.stringify(g);
      if (text !== before[k]) out.sets.push([k, g, false]);
    });
    return JSON.stringify(out);
  };
}))JS";

// In the child: runs the prelude, the script and the answer function; writes the answer.
void runInChild(int fd, const std::string& payload, const std::string& source, std::size_t cap) {
  Budget budget{0, cap};
  gAnswerFd = fd;
  gChildBudget = &budget;
  duk_context* ctx = duk_create_heap(allocate, reallocate, release, &budget, fatalInChild);
  if (!ctx) fatalInChild(nullptr, "no heap within the memory budget");
  if (duk_peval_string(ctx, kPrelude) != 0) fatalInChild(nullptr, duk_safe_to_string(ctx, -1));
  duk_push_lstring(ctx, payload.data(), payload.size());
  duk_json_decode(ctx, -1);
  duk_push_global_object(ctx);
  if (duk_pcall(ctx, 2) != 0) fatalInChild(nullptr, duk_safe_to_string(ctx, -1));
  bool ok = duk_peval_lstring(ctx, source.data(), source.size()) == 0;  // [answer, value]
  bool memory = budget.exhausted;
  if (!ok && memory) {  // the heap is full: answer without it
    static const char kFull[] = "{\"error\":\"RangeError: alloc failed\",\"memory\":true}";
    writeAll(fd, kFull, sizeof kFull - 1);
    return;
  }
  budget.cap += kAnswerBytes;  // room to write the answer of a script that used its whole budget
  duk_dup(ctx, -2);
  duk_push_boolean(ctx, ok);
  duk_dup(ctx, -3);
  duk_push_boolean(ctx, memory);
  if (duk_pcall(ctx, 3) != 0) {
    // The answer could not be written as JSON (a cyclic value): say so instead.
    std::string why = std::string("the script's variables are not JSON: ") + duk_safe_to_string(ctx, -1);
    std::string answer = "{\"error\":" + boost::json::serialize(boost::json::value(why)) + "}";
    writeAll(fd, answer.data(), answer.size());
    return;
  }
  duk_size_t size = 0;
  const char* answer = duk_get_lstring(ctx, -1, &size);
  writeAll(fd, answer ? answer : "{}", answer ? size : 2);
}

std::string mebibytes(std::size_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

std::string compileError(const std::string& source) {
  Budget budget{0, std::size_t{16} << 20};
  duk_context* ctx = duk_create_heap(allocate, reallocate, release, &budget, fatalInProcess);
  if (!ctx) return "no JavaScript heap could be made";
  std::string why;
  if (duk_pcompile_lstring(ctx, DUK_COMPILE_EVAL, source.data(), source.size()) != 0) why = duk_safe_to_string(ctx, -1);
  duk_destroy_heap(ctx);
  return why;
}

Outcome runJavaScript(const Run& run, const Limits& limits) {
  boost::json::object payload{
      {"variables", run.variables}, {"execution", run.execution}, {"autoStore", run.autoStoreVariables}};
  std::string text = boost::json::serialize(payload);
  auto child = runSandboxed([&](int fd) { runInChild(fd, text, run.source, limits.memoryBytes); }, limits.timeMillis,
                            limits.memoryBytes);
  Outcome out;
  using E = SandboxResult::Ending;
  switch (child.ending) {
    case E::timedOut:
      out.message =
          "the script ran past its time budget of " + std::to_string(limits.timeMillis) + " ms and was stopped";
      return out;
    case E::tooMuchOutput:
      out.message = "the script's variables exceed its memory budget of " + mebibytes(limits.memoryBytes);
      return out;
    case E::killed:
      out.message = child.signal == SIGSYS ? "the script's interpreter made a system call the sandbox forbids"
                                           : "the script's process ended by signal " + std::to_string(child.signal);
      return out;
    case E::failedToStart: out.message = "the script could not be run: " + child.detail; return out;
    case E::finished: break;
  }
  boost::json::value answer;
  try {
    answer = boost::json::parse(child.output);
  } catch (const std::exception&) {
    out.message = "the script ended without an answer";
    return out;
  }
  auto& o = answer.as_object();
  if (auto* e = o.if_contains("error")) {
    bool memory = o.contains("memory") && o.at("memory").is_bool() && o.at("memory").as_bool();
    out.message = memory ? "the script ran past its memory budget of " + mebibytes(limits.memoryBytes) + " (" +
                               std::string(e->as_string()) + ")"
                         : std::string(e->as_string());
    return out;
  }
  if (auto* code = o.if_contains("bpmnError")) {
    out.kind = Outcome::Kind::bpmnError;
    out.errorCode = code->as_string();
    if (auto* m = o.if_contains("message"); m && m->is_string()) out.message = m->as_string();
    return out;
  }
  out.kind = Outcome::Kind::completed;
  if (auto* r = o.if_contains("result")) out.result = *r;
  if (auto* sets = o.if_contains("sets"); sets && sets->is_array())
    for (const auto& s : sets->as_array()) {
      const auto& a = s.as_array();
      out.sets.push_back({std::string(a.at(0).as_string()), a.at(1), a.at(2).as_bool()});
    }
  return out;
}

}  // namespace ordo::script
