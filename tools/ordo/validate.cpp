// ordo validate FILE...: every diagnostic as file:line:col: severity: message [elementId].
#include <boost/json.hpp>
#include <iostream>
#include <ordo/diagnostic.hpp>

#include "commands.hpp"

namespace ordo::cli {

int validateCommand(const std::vector<std::string>& args) {
  bool json = false;
  ValidationOptions options;
  std::vector<std::string> files;
  for (const auto& a : args) {
    if (a == "--json")
      json = true;
    else if (a == "--deploy")
      options.purpose = ValidationPurpose::execution;
    else if (!a.empty() && a[0] == '-') {
      std::cerr << "ordo validate: unknown option '" << a << "'\n";
      return 2;
    } else
      files.push_back(a);
  }
  if (files.empty()) {
    std::cerr << "usage: ordo validate [--json] [--deploy] FILE...\n";
    return 2;
  }
  bool invalid = false;
  boost::json::array report;
  for (const auto& file : files) {
    std::string text;
    std::vector<Diagnostic> diagnostics;
    if (!readFile(file, text, options.maxBytes))
      diagnostics.push_back({Severity::error, "io_error", "cannot open file", {}, 0, 0});
    else
      diagnostics = validate(text, options);
    invalid = invalid || hasErrors(diagnostics);
    if (json) {
      boost::json::array list;
      for (const auto& d : diagnostics)
        list.push_back({{"severity", d.severity == Severity::error ? "error" : "warning"},
                        {"code", d.code},
                        {"message", d.message},
                        {"elementId", d.elementId},
                        {"line", d.line},
                        {"column", d.column}});
      report.push_back({{"file", file}, {"valid", !hasErrors(diagnostics)}, {"diagnostics", std::move(list)}});
      continue;
    }
    for (const auto& d : diagnostics) {
      std::cout << file << ":" << d.line << ":" << d.column << ": "
                << (d.severity == Severity::error ? "error" : "warning") << ": " << d.message;
      if (!d.elementId.empty()) std::cout << " [" << d.elementId << "]";
      std::cout << " (" << d.code << ")\n";
    }
  }
  if (json) std::cout << boost::json::serialize(report) << "\n";
  return invalid ? 1 : 0;
}

}  // namespace ordo::cli
