// ordo: the command-line face of the engine.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "scenario.hpp"

namespace ordo::cli {

bool readFile(const std::string& path, std::string& out, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": cannot open\n";
    return false;
  }
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::size_t>(in.tellg());
  in.seekg(0);
  // Read a byte past the limit so that validation can say the file is too large.
  out.resize(std::min(size, limit + 1));
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return true;
}

}  // namespace ordo::cli

namespace {
void usage(std::ostream& out) {
  out << "usage: ordo <command> [options] FILE...\n"
         "  validate [--json] [--deploy] FILE...   check BPMN 2.0 files; exit 0 valid, 1 invalid, 2 usage\n"
         "  inspect FILE                           print processes, elements by kind and the flow graph\n"
         "  scenario FILE|DIR...                   run scenario files; exit 1 if any fails\n";
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "validate") return ordo::cli::validateCommand(args);
  if (command == "inspect") return ordo::cli::inspectCommand(args);
  if (command == "scenario") return ordo::cli::scenarioCommand(args);
  if (command == "--help" || command == "-h" || command == "help") {
    usage(std::cout);
    return 0;
  }
  std::cerr << "ordo: unknown command '" << command << "'\n";
  usage(std::cerr);
  return 2;
}
