// The fuzzers' seeds and every input a fuzzer ever found (tests/fuzz/corpus/<target>, files
// named crash-*), replayed in the plain suite and under ASan + UBSan (scripts/sanitize): what
// each fuzz target checks, without libFuzzer. The duration overflows of issue #15 are named here.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "engine_support.hpp"
#include "expr/expr.hpp"
#include "jobs/iso8601.hpp"
#include "parse/parser.hpp"
#include "test_support.hpp"

using namespace ordo;

namespace {

std::vector<std::string> inputs(const std::string& target) {
  std::vector<std::string> out;
  for (const auto& f : std::filesystem::directory_iterator(std::string(ORDO_FUZZ_CORPUS) + "/" + target))
    out.push_back(test::readText(f.path()));
  return out;
}

// As tests/fuzz/fuzz_iso8601.cpp: only invalid_argument may come out.
void iso8601(const std::string& text) {
  const std::int64_t bases[] = {1'800'000'000'000, 0, -62'135'596'800'000, 253'402'300'799'999, -1};
  try {
    auto d = jobs::parseDuration(text);
    for (auto base : bases) try {
        (void)jobs::addDuration(base, d);
      } catch (const std::invalid_argument&) {
      }
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)jobs::parseDateTime(text);
  } catch (const std::invalid_argument&) {
  }
  try {
    auto c = jobs::parseCycle(text);
    for (auto base : bases) try {
        (void)jobs::addDuration(c.start ? c.start : base, c.interval);
      } catch (const std::invalid_argument&) {
      }
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)jobs::parseTimerCycle(text);
  } catch (const std::invalid_argument&) {
  }
  for (const char* kind : {"date", "duration", "cycle"}) try {
      jobs::checkTimerValue(kind, text);
    } catch (const std::invalid_argument&) {
    }
}

class Vars final : public expr::Variables {
 public:
  Vars()
      : v_(boost::json::parse(R"({"amount": 1500, "big": 9223372036854775807, "small": -9223372036854775808,
            "ratio": 0.5, "name": "Mary", "dept": "IT", "empty": "", "nothing": null, "yes": true, "no": false,
            "list": [1, 2.5, "x", null, [3]], "map": {"a": 1, "b": {"c": "d"}}, "num": "42", "neg": -1})")
               .as_object()) {}
  const boost::json::value* find(std::string_view name) const override { return v_.if_contains(name); }

 private:
  boost::json::object v_;
};

// As tests/fuzz/fuzz_expr.cpp: only expr::Error may come out.
void expression(const std::string& text) {
  static const Vars vars;
  expr::Expression e;
  try {
    e = expr::Expression::compile(text);
  } catch (const expr::Error&) {
    return;
  }
  (void)e.identifiers();
  try {
    (void)e.evaluate(vars);
  } catch (const expr::Error&) {
  }
  try {
    (void)e.evaluateBool(vars);
  } catch (const expr::Error&) {
  }
  try {
    (void)e.evaluateString(vars);
  } catch (const expr::Error&) {
  }
}

}  // namespace

TEST_CASE("fuzz regressions: durations that overflowed are refused, the rest add within range") {
  // Issue #15: each of these overflowed a signed 64-bit value in the parser or in addDuration.
  for (const char* text : {"P99999999999W", "P999999999999D", "PT9999999999999H", "P99999999999Y", "P15250284452W",
                           "PT9223372036854775807S", "P9223372036854775807M", "PT99999999999999M"}) {
    INFO(text);
    CHECK_NOTHROW(iso8601(text));
    try {
      auto d = jobs::parseDuration(text);
      CHECK_THROWS_AS(jobs::addDuration(1'800'000'000'000, d), std::invalid_argument);
    } catch (const std::invalid_argument&) {
    }
  }
}

TEST_CASE("fuzz regressions: the iso8601 corpus") {
  for (const auto& text : inputs("iso8601")) {
    INFO(text);
    CHECK_NOTHROW(iso8601(text));
  }
}

TEST_CASE("fuzz regressions: the expr corpus") {
  for (const auto& text : inputs("expr")) {
    INFO(text);
    CHECK_NOTHROW(expression(text));
  }
}

TEST_CASE("fuzz regressions: the bpmn corpus") {
  for (const auto& xml : inputs("bpmn")) {
    for (auto purpose : {ValidationPurpose::interchange, ValidationPurpose::execution}) {
      ValidationOptions o;
      o.purpose = purpose;
      CHECK_NOTHROW(parse::parseDefinitions(xml, o));
    }
  }
}

TEST_CASE("fuzz regressions: a number beyond a double is refused, not stored where it could not be read back") {
  // Found by the capi fuzzer: {"x": 1e400} parsed as infinity, was stored as "Infinity", and
  // every later command on the instance failed with internal (its variables unreadable).
  test::TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  Variables v;
  v["days"] = 1;
  v["manager"] = "m";
  auto inst = e->start({"leaveApproval", 0, v, "", ""});
  for (const char* text : {R"({"x": 1e400})", R"({"x": [1, {"y": -1e999}]})"}) {
    INFO(text);
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument,
                            e->setVariables(inst.id, boost::json::parse(text).as_object()));
  }
  Variables bad = v;
  bad["x"] = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->start({"leaveApproval", 0, bad, "", ""}));
  // The instance still works.
  Variables approve;
  approve["approved"] = true;
  e->completeTask(test::onlyTask(*e, inst.id).id, "m", approve);
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}
