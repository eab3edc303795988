// libFuzzer: the BPMN reader and validator on arbitrary bytes. Either purpose must answer
// with a model and diagnostics, or no model; never crash, leak or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parse/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string xml(reinterpret_cast<const char*>(data), size);
  for (auto purpose : {ordo::ValidationPurpose::interchange, ordo::ValidationPurpose::execution}) {
    ordo::ValidationOptions o;
    o.purpose = purpose;
    o.maxBytes = 1u << 20;
    auto r = ordo::parse::parseDefinitions(xml, o);
    (void)ordo::hasErrors(r.diagnostics);
  }
  return 0;
}
