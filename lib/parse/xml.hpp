// A namespace-aware view of an XML document, built on pugixml.
//
// pugixml is fast and never recursive, but knows nothing of namespaces and
// accepts a few things XML forbids (duplicate attributes). XmlDocument adds
// what BPMN needs: each element's namespace URI and local name, resolution of
// QName values, line and column of any node, and the limits that keep a
// hostile document from costing unbounded time or memory.
#pragma once

#include <pugixml.hpp>

#include <ordo/diagnostic.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ordo::parse {

inline constexpr std::string_view kBpmnNs = "http://www.omg.org/spec/BPMN/20100524/MODEL";
inline constexpr std::string_view kBpmnDiNs = "http://www.omg.org/spec/BPMN/20100524/DI";
inline constexpr std::string_view kFlowableNs = "http://flowable.org/bpmn";
inline constexpr std::string_view kCamundaNs = "http://camunda.org/schema/1.0/bpmn";
inline constexpr std::string_view kActivitiNs = "http://activiti.org/bpmn";
inline constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view kOrdoNs = "http://ordo.dev/bpmn";  // Ordo's own attributes (assigneeRule ...)

// True for the namespaces whose attributes Ordo reads as engine extensions.
bool isEngineExtensionNs(std::string_view ns);

struct XName {
  std::string_view ns;  // empty: no namespace
  std::string_view local;
};

class XmlDocument {
 public:
  // Parses `text`; on failure `ok()` is false and diagnostics() says why.
  XmlDocument(const std::string& text, std::size_t maxBytes, int maxDepth);

  bool ok() const { return ok_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  pugi::xml_node root() const { return doc_.document_element(); }

  XName name(pugi::xml_node element) const;
  bool is(pugi::xml_node element, std::string_view ns, std::string_view local) const;
  bool isBpmn(pugi::xml_node element, std::string_view local) const { return is(element, kBpmnNs, local); }
  // Namespace URI and local name of an attribute (unprefixed attributes have no namespace).
  XName name(pugi::xml_node element, pugi::xml_attribute attribute) const;
  // Resolves the prefix of a QName value (`tns:foo`) in the scope of `element`;
  // returns false when the prefix is not declared there.
  bool resolveQName(pugi::xml_node element, std::string_view qname, XName& out) const;

  struct Location {
    int line = 0, column = 0;
  };
  Location locate(pugi::xml_node node) const;

 private:
  void buildNames(int maxDepth);
  void fail(std::string code, std::string message, std::ptrdiff_t offset);

  pugi::xml_document doc_;
  std::string buffer_;  // the UTF-8 text pugixml parsed, for line and column
  std::vector<std::size_t> lineStarts_;
  bool ok_ = false;
  std::vector<Diagnostic> diagnostics_;
  std::unordered_map<const void*, XName> names_;
  // Each element's in-scope prefix declarations, only for elements that declare any.
  std::unordered_map<const void*, std::vector<std::pair<std::string_view, std::string_view>>> declarations_;
};

}  // namespace ordo::parse
