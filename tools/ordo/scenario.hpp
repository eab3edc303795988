// The scenario runner: executes scenario files (shared/corpus/SCENARIOS.md)
// against a fresh engine on a real SQLite file each.
#pragma once

#include <string>
#include <vector>

namespace ordo::cli {

struct ScenarioResult {
  std::string file;
  std::string name;
  bool passed = false;
  std::string failure;  // "step 3 (expect): state is running, expected completed"
};

// Runs one scenario file. Never throws: every problem is a failed result.
// database: empty for a SQLite file of its own, or postgresql://… for a fresh schema there.
ScenarioResult runScenario(const std::string& path, const std::string& database = {});

// Expands directories to their *.json files (sorted), keeps files as given.
std::vector<std::string> scenarioFiles(const std::vector<std::string>& paths);

int scenarioCommand(const std::vector<std::string>& args);

}  // namespace ordo::cli
