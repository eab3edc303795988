// Validates a tiny model through the installed headers and library.
#include <iostream>
#include <ordo/diagnostic.hpp>

int main() {
  auto ds = ordo::validate(
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\"><process id=\"p\">"
      "<startEvent id=\"s\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/><endEvent id=\"e\"/>"
      "</process></definitions>");
  if (ordo::hasErrors(ds)) {
    std::cerr << "unexpected: " << ds.front().message << "\n";
    return 1;
  }
  auto bad = ordo::validate("<definitions/>");
  if (!ordo::hasErrors(bad)) return 1;
  std::cout << "consumer ok\n";
  return 0;
}
