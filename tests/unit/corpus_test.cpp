// The shared corpus: real-world models that must parse, broken ones that must be refused.
#include <catch2/catch.hpp>
#include <filesystem>

#include "parse/parser.hpp"
#include "test_support.hpp"

using namespace ordo;
namespace fs = std::filesystem;

namespace {
std::vector<fs::path> bpmnFiles(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(test::corpus(dir)))
    if (e.path().extension() == ".bpmn") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}
bool isFragment(const fs::path& p) {
  return p.filename().string().find(".part.") != std::string::npos;
}
}  // namespace

TEST_CASE("corpus: every MIWG reference model parses without error") {
  auto files = bpmnFiles("miwg");
  REQUIRE(files.size() == 21);
  for (const auto& f : files) {
    INFO(f.filename().string());
    auto r = parse::parseDefinitions(test::readText(f));
    INFO(test::describe(r.diagnostics));
    CHECK(r.definitions);
    CHECK_FALSE(hasErrors(r.diagnostics));
    CHECK_FALSE(r.definitions->processes.empty());
  }
}

TEST_CASE("corpus: every bpmn-js example parses without error") {
  auto files = bpmnFiles("bpmn-js-examples");
  REQUIRE(files.size() >= 26);
  for (const auto& f : files) {
    INFO(f.filename().string());
    auto r = parse::parseDefinitions(test::readText(f));
    INFO(test::describe(r.diagnostics));
    CHECK(r.definitions);
    CHECK_FALSE(hasErrors(r.diagnostics));
  }
}

TEST_CASE("corpus: valid bpmn-moddle documents parse without error") {
  int count = 0;
  for (const auto& f : bpmnFiles("bpmn-moddle")) {
    if (isFragment(f) || f.parent_path().filename() == "error") continue;
    if (f.filename() == "attrs.bpmn") continue;  // broken on purpose, see below
    ++count;
    INFO(f.string());
    auto r = parse::parseDefinitions(test::readText(f));
    INFO(test::describe(r.diagnostics));
    CHECK(r.definitions);
    CHECK_FALSE(hasErrors(r.diagnostics));
  }
  CHECK(count == 47);  // the valid complete documents of MANIFEST.md
}

TEST_CASE("corpus: a diagram-only defect does not stop the process from parsing") {
  auto r = parse::parseDefinitions(test::readText(test::corpus("bpmn-moddle/error/di-no-bpmn-element.bpmn")));
  INFO(test::describe(r.diagnostics));
  REQUIRE(r.definitions);
  CHECK_FALSE(hasErrors(r.diagnostics));
  REQUIRE(r.definitions->processes.size() == 1);
  CHECK(r.definitions->processes[0]->id == "Process_1");
}

TEST_CASE("corpus: every broken bpmn-moddle fixture is rejected with a located diagnostic") {
  struct Case {
    const char* file;
    const char* code;
  };
  for (auto c :
       {Case{"attrs.bpmn", "xml_malformed"}, Case{"error/bad-encoding.bpmn", "unsupported_encoding"},
        Case{"error/categoryValue.bpmn", "misplaced_element"}, Case{"error/duplicate-ids.bpmn", "duplicate_id"},
        Case{"error/extension-definition-missing.bpmn", "unresolved_reference"},
        Case{"error/invalid-attributes.bpmn", "xml_malformed"}, Case{"error/not-bpmn.bpmn", "not_bpmn"},
        Case{"error/undeclared-ns-child.bpmn", "misplaced_element"},
        Case{"error/unrecognized-child.bpmn", "unknown_element"},
        Case{"error/xmlns-redeclaration.bpmn", "xml_malformed"}}) {
    INFO(c.file);
    auto ds = validate(test::readText(test::corpus(std::string("bpmn-moddle/") + c.file)));
    INFO(test::describe(ds));
    CHECK(hasErrors(ds));
    auto* d = test::find(ds, c.code);
    REQUIRE(d);
    CHECK(d->line > 0);
    CHECK_FALSE(d->message.empty());
  }
}

TEST_CASE("corpus: categoryValue outside a category leaves the group's reference dangling") {
  auto ds = validate(test::readText(test::corpus("bpmn-moddle/error/categoryValue.bpmn")));
  CHECK(test::hasCode(ds, "dangling_reference"));
}

TEST_CASE("corpus: fragments are refused as deployments, root element named") {
  int count = 0;
  for (const auto& f : bpmnFiles("bpmn-moddle")) {
    if (!isFragment(f)) continue;
    ++count;
    INFO(f.string());
    auto r = parse::parseDefinitions(test::readText(f));
    CHECK_FALSE(r.definitions);
    auto* d = test::find(r.diagnostics, "not_bpmn");
    REQUIRE(d);
    CHECK(d->message.find("not bpmn:definitions") != std::string::npos);
  }
  CHECK(count == 31);
}
