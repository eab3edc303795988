// Small helpers shared by the unit tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <ordo/diagnostic.hpp>
#include <sstream>
#include <string>

namespace ordo::test {

inline std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string corpus(const std::string& rel) {
  return std::string(ORDO_TEST_CORPUS) + "/" + rel;
}

inline std::string describe(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds)
    out += std::to_string(d.line) + ":" + std::to_string(d.column) + " " +
           (d.severity == Severity::error ? "error " : "warning ") + d.code + ": " + d.message + "\n";
  return out;
}

inline bool hasCode(const std::vector<Diagnostic>& ds, const std::string& code) {
  for (const auto& d : ds)
    if (d.code == code) return true;
  return false;
}

inline const Diagnostic* find(const std::vector<Diagnostic>& ds, const std::string& code) {
  for (const auto& d : ds)
    if (d.code == code) return &d;
  return nullptr;
}

// Wraps process content into a complete definitions document.
inline std::string bpmn(const std::string& processBody, const std::string& rootExtras = "",
                        const std::string& processAttrs = "id=\"p\" isExecutable=\"true\"") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"\n"
         "  xmlns:flowable=\"http://flowable.org/bpmn\" xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\"\n"
         "  xmlns:activiti=\"http://activiti.org/bpmn\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
         "  id=\"defs\" targetNamespace=\"http://ordo.test\">\n" +
         rootExtras + "<process " + processAttrs + ">\n" + processBody + "\n</process>\n</definitions>\n";
}

}  // namespace ordo::test
