// The subcommands of the `ordo` tool. Each returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace ordo::cli {

int validateCommand(const std::vector<std::string>& args);
int inspectCommand(const std::vector<std::string>& args);

// Reads a whole file; false (and a message on stderr) when it cannot.
bool readFile(const std::string& path, std::string& out, std::size_t limit);

}  // namespace ordo::cli
