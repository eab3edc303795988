// What every element reader shares while one document is read.
#pragma once

#include <functional>
#include <ordo/diagnostic.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/model.hpp"
#include "parse/xml.hpp"

namespace ordo::parse {

class ReadContext {
 public:
  ReadContext(const XmlDocument& document, model::Definitions& model, std::vector<Diagnostic>& sink)
      : xml(document), definitions(model), diagnostics(sink) {}

  const XmlDocument& xml;
  model::Definitions& definitions;
  std::vector<Diagnostic>& diagnostics;

  void error(pugi::xml_node at, std::string code, std::string message, std::string elementId = {});
  void warning(pugi::xml_node at, std::string code, std::string message, std::string elementId = {});
  // A problem only for running the model: an error when deploying, a warning otherwise.
  void executionProblem(pugi::xml_node at, std::string code, std::string message, std::string elementId = {});
  ValidationPurpose purpose = ValidationPurpose::interchange;

  model::Position position(pugi::xml_node node) const;
  std::string attr(pugi::xml_node node, const char* name) const { return node.attribute(name).value(); }
  bool boolAttr(pugi::xml_node node, const char* name, bool fallback) const;
  // The value of a flowable:/camunda:/activiti: attribute, whichever prefix the model used.
  std::string engineAttr(pugi::xml_node node, std::string_view local) const;
  std::map<std::string, std::string> engineAttrs(pugi::xml_node node) const;
  // BPMN children with this local name.
  std::vector<pugi::xml_node> children(pugi::xml_node node, std::string_view local) const;
  pugi::xml_node child(pugi::xml_node node, std::string_view local) const;
  // Engine-extension children (flowable:in, camunda:field ...) inside extensionElements.
  std::vector<pugi::xml_node> extensionChildren(pugi::xml_node node, std::string_view local) const;
  std::string text(pugi::xml_node node) const;  // trimmed text content
  // flowable:in / camunda:out ... mappings (call activities, and signal payloads on events).
  std::vector<model::VariableMapping> variableMappings(pugi::xml_node node, std::string_view tag) const;
  // A reference attribute (messageRef ...); a QName of the document's own namespace
  // ("tns:newInvoice", as Flowable's and Camunda's models often write it) by its local part.
  std::string reference(pugi::xml_node node, const char* attribute) const;

  // Records an id; reports a duplicate. Only BPMN elements take part, since
  // vendor extensions reuse ids freely.
  void registerId(pugi::xml_node node, const std::string& id);
  // The element's id, or a generated one ("_sequenceFlow_3") when it has none.
  std::string idOf(pugi::xml_node node, std::string_view tag);
  bool knownId(const std::string& id) const { return ids_.count(id) != 0; }

  // A reference by id that must resolve once the whole document is read.
  struct PendingRef {
    pugi::xml_node at;
    std::string what;  // "categoryValueRef of group 'g1'"
    std::string id;
    std::string elementId;
    bool lenient = false;  // unresolved, it is only a warning (a participant's processRef, as both engines read it)
  };
  std::vector<PendingRef> pendingRefs;
  std::map<std::string, model::EventDefinition> rootEventDefinitions;

 private:
  std::unordered_map<std::string, model::Position> ids_;
  std::unordered_map<std::string, int> generated_;
};

// A reader fills the parts of a flow node that only its kind has.
using NodeReader = void (*)(ReadContext&, pugi::xml_node, model::FlowNode&);

struct NodeReaderEntry {
  model::NodeKind kind;
  NodeReader read;
};

// tag (BPMN local name) -> kind and reader. Lookup returns null for tags that are not flow nodes.
const NodeReaderEntry* findNodeReader(std::string_view tag);

// The readers, one per element family (readers/*.cpp).
void readEvent(ReadContext&, pugi::xml_node, model::FlowNode&);
void readUserTask(ReadContext&, pugi::xml_node, model::FlowNode&);
void readServiceLike(ReadContext&, pugi::xml_node, model::FlowNode&);
void readReceiveTask(ReadContext&, pugi::xml_node, model::FlowNode&);
void readScriptTask(ReadContext&, pugi::xml_node, model::FlowNode&);
void readPlainTask(ReadContext&, pugi::xml_node, model::FlowNode&);
void readGateway(ReadContext&, pugi::xml_node, model::FlowNode&);
void readSubProcess(ReadContext&, pugi::xml_node, model::FlowNode&);
void readCallActivity(ReadContext&, pugi::xml_node, model::FlowNode&);

// Shared by every activity: loops, io, data associations, async flags.
void readActivityCommon(ReadContext&, pugi::xml_node, model::FlowNode&);
// async / asyncBefore, asyncAfter and Flowable's asyncLeave: on every flow node kind.
void readAsyncFlags(ReadContext&, pugi::xml_node, model::FlowNode&);
model::DataAssociation readDataAssociation(ReadContext&, pugi::xml_node);
bool readRootEventDefinition(ReadContext&, pugi::xml_node, model::EventDefinition&);
// Reads the flow elements of a process or subprocess into `scope`.
void readScope(ReadContext&, pugi::xml_node, model::Scope& scope);
// Reads the root elements under <definitions>.
void readDefinitions(ReadContext&, pugi::xml_node root);

// Whether a local name is an element of the BPMN 2.0 semantic schema.
bool isBpmnElementName(std::string_view local);

}  // namespace ordo::parse
