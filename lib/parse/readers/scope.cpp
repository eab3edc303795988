// The inside of a process or subprocess: flow nodes, sequence flows, data, lanes;
// and what every activity shares (loops, io, data associations, async).
#include <cerrno>
#include <cstdlib>

#include "parse/context.hpp"

namespace ordo::parse {

namespace {

model::LoopCharacteristics readLoop(ReadContext& ctx, pugi::xml_node xml) {
  model::LoopCharacteristics loop;
  if (auto s = ctx.child(xml, "standardLoopCharacteristics")) {
    loop.kind = model::LoopCharacteristics::Kind::standard;
    loop.testBefore = ctx.boolAttr(s, "testBefore", false);
    if (auto max = s.attribute("loopMaximum")) loop.loopMaximum = max.as_llong();
    loop.loopCondition = ctx.text(ctx.child(s, "loopCondition"));
  } else if (auto m = ctx.child(xml, "multiInstanceLoopCharacteristics")) {
    loop.kind = model::LoopCharacteristics::Kind::multiInstance;
    loop.sequential = ctx.boolAttr(m, "isSequential", false);
    loop.loopCardinality = ctx.text(ctx.child(m, "loopCardinality"));
    loop.completionCondition = ctx.text(ctx.child(m, "completionCondition"));
    loop.loopDataInputRef = ctx.text(ctx.child(m, "loopDataInputRef"));
    loop.loopDataOutputRef = ctx.text(ctx.child(m, "loopDataOutputRef"));
    if (auto in = ctx.child(m, "inputDataItem")) {
      // The id is a name a variable can have; BPMN names are free text ("input item").
      loop.inputDataItem = ctx.attr(in, "id");
      if (loop.inputDataItem.empty()) loop.inputDataItem = ctx.attr(in, "name");
      ctx.registerId(in, ctx.attr(in, "id"));
    }
    if (auto out = ctx.child(m, "outputDataItem")) {
      loop.outputDataItem = ctx.attr(out, "id");
      if (loop.outputDataItem.empty()) loop.outputDataItem = ctx.attr(out, "name");
      ctx.registerId(out, ctx.attr(out, "id"));
    }
    loop.behavior = ctx.attr(m, "behavior");
    loop.noneBehaviorEventRef = ctx.text(ctx.child(m, "noneBehaviorEventRef"));
    loop.oneBehaviorEventRef = ctx.text(ctx.child(m, "oneBehaviorEventRef"));
    for (auto cb : ctx.children(m, "complexBehaviorDefinition")) {
      ctx.registerId(cb, ctx.attr(cb, "id"));
      model::LoopCharacteristics::BehaviorEvent be;
      be.condition = ctx.text(ctx.child(cb, "condition"));
      if (auto ev = ctx.child(cb, "event"))
        for (auto d : ev.children()) {
          model::EventDefinition def;
          if (d.type() == pugi::node_element && readRootEventDefinition(ctx, d, def)) be.events.push_back(def);
        }
      loop.behaviorEvents.push_back(std::move(be));
    }
    loop.collection = ctx.engineAttr(m, "collection");
    if (loop.collection.empty()) loop.collection = loop.loopDataInputRef;
    loop.elementVariable = ctx.engineAttr(m, "elementVariable");
    loop.elementIndexVariable = ctx.engineAttr(m, "elementIndexVariable");
    if (loop.elementVariable.empty()) loop.elementVariable = loop.inputDataItem;
    // Flowable also accepts <flowable:collection> and <flowable:elementVariable> as extension elements.
    if (loop.collection.empty())
      for (auto c : ctx.extensionChildren(m, "collection")) loop.collection = ctx.text(c);
    if (loop.elementVariable.empty())
      for (auto c : ctx.extensionChildren(m, "elementVariable")) loop.elementVariable = ctx.text(c);
  }
  return loop;
}

}  // namespace

model::DataAssociation readDataAssociation(ReadContext& ctx, pugi::xml_node xml) {
  model::DataAssociation a;
  a.id = ctx.attr(xml, "id");
  ctx.registerId(xml, a.id);
  for (auto s : ctx.children(xml, "sourceRef")) a.sources.push_back(ctx.text(s));
  a.target = ctx.text(ctx.child(xml, "targetRef"));
  if (auto t = ctx.child(xml, "transformation")) a.transformation = ctx.text(t);
  for (auto as : ctx.children(xml, "assignment"))
    a.assignments.emplace_back(ctx.text(ctx.child(as, "from")), ctx.text(ctx.child(as, "to")));
  return a;
}

namespace {

model::DataItem readDataItem(ReadContext& ctx, pugi::xml_node xml) {
  model::DataItem d;
  d.id = ctx.attr(xml, "id");
  d.name = ctx.attr(xml, "name");
  d.itemSubjectRef = ctx.attr(xml, "itemSubjectRef");
  d.isCollection = ctx.boolAttr(xml, "isCollection", false);
  ctx.registerId(xml, d.id);
  if (auto values = ctx.extensionChildren(xml, "value"); !values.empty()) {
    d.initialValue = ctx.text(values.front());
    const auto& v = *d.initialValue;
    bool fits = true;
    char* end = nullptr;
    errno = 0;
    switch (model::dataTypeOf(d.itemSubjectRef)) {
      case model::DataType::integer: fits = v.empty() || (std::strtoll(v.c_str(), &end, 10), *end == 0); break;
      case model::DataType::number: fits = v.empty() || (std::strtod(v.c_str(), &end), *end == 0); break;
      case model::DataType::boolean: fits = v.empty() || v == "true" || v == "false"; break;
      case model::DataType::text: break;
    }
    if (!fits || errno == ERANGE)
      ctx.error(xml, "data_object_value", "data object '" + d.id + "': value '" + v + "' is not a " + d.itemSubjectRef,
                d.id);
  }
  return d;
}

model::Lane readLane(ReadContext& ctx, pugi::xml_node xml) {
  model::Lane lane;
  lane.id = ctx.attr(xml, "id");
  lane.name = ctx.attr(xml, "name");
  ctx.registerId(xml, lane.id);
  for (auto r : ctx.children(xml, "flowNodeRef")) lane.flowNodeRefs.push_back(ctx.text(r));
  if (auto child = ctx.child(xml, "childLaneSet")) {
    ctx.registerId(child, ctx.attr(child, "id"));
    for (auto l : ctx.children(child, "lane")) lane.childLanes.push_back(readLane(ctx, l));
  }
  return lane;
}

std::unique_ptr<model::SequenceFlow> readSequenceFlow(ReadContext& ctx, pugi::xml_node xml) {
  auto f = std::make_unique<model::SequenceFlow>();
  f->id = ctx.idOf(xml, "sequenceFlow");
  f->name = ctx.attr(xml, "name");
  f->position = ctx.position(xml);
  f->sourceRef = ctx.attr(xml, "sourceRef");
  f->targetRef = ctx.attr(xml, "targetRef");
  f->skipExpression = ctx.engineAttr(xml, "skipExpression");
  if (auto c = ctx.child(xml, "conditionExpression")) {
    f->condition = ctx.text(c);
    ctx.registerId(c, ctx.attr(c, "id"));
  }
  ctx.registerId(xml, f->id);
  if (f->sourceRef.empty())
    ctx.error(xml, "missing_attribute", "sequence flow '" + f->id + "' has no sourceRef", f->id);
  if (f->targetRef.empty())
    ctx.error(xml, "missing_attribute", "sequence flow '" + f->id + "' has no targetRef", f->id);
  return f;
}

}  // namespace

void readAsyncFlags(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  if (auto v = ctx.engineAttr(xml, "async"); !v.empty()) node.asyncBefore = v == "true";
  if (auto v = ctx.engineAttr(xml, "asyncBefore"); !v.empty()) node.asyncBefore = v == "true";
  if (auto v = ctx.engineAttr(xml, "asyncAfter"); !v.empty()) node.asyncAfter = v == "true";
  if (auto v = ctx.engineAttr(xml, "asyncLeave"); !v.empty()) node.asyncAfter = v == "true";
}

void readActivityCommon(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  node.loop = readLoop(ctx, xml);
  node.isForCompensation = ctx.boolAttr(xml, "isForCompensation", false);
  readAsyncFlags(ctx, xml, node);
  // camunda:asyncBefore/asyncAfter on the loop characteristics: each instance is asynchronous,
  // which is how Ordo reads async on a multi-instance activity.
  if (auto m = ctx.child(xml, "multiInstanceLoopCharacteristics")) {
    // Camunda: async on the activity itself makes the multi-instance body asynchronous (one job), not each
    // instance; Flowable's async there makes each instance asynchronous.
    for (auto a : xml.attributes())
      if (auto name = ctx.xml.name(xml, a);
          name.ns == kCamundaNs && (name.local == "async" || name.local == "asyncBefore"))
        node.asyncBody = std::string_view(a.value()) == "true";
    if (node.asyncBody) node.asyncBefore = false;
    if (ctx.engineAttr(m, "asyncBefore") == "true" || ctx.engineAttr(m, "async") == "true") node.asyncBefore = true;
    if (ctx.engineAttr(m, "asyncAfter") == "true") node.asyncAfter = true;
  }
  if (auto v = ctx.engineAttr(xml, "exclusive"); !v.empty()) node.exclusive = v != "false";
  node.skipExpression = ctx.engineAttr(xml, "skipExpression");
  if (auto q = xml.attribute("startQuantity")) node.startQuantity = q.as_llong(1);
  if (auto q = xml.attribute("completionQuantity")) node.completionQuantity = q.as_llong(1);
  node.defaultFlowId = ctx.attr(xml, "default");
  for (auto r : ctx.extensionChildren(xml, "failedJobRetryTimeCycle")) node.failedJobRetryTimeCycle = ctx.text(r);
  if (auto io = ctx.child(xml, "ioSpecification")) {
    ctx.registerId(io, ctx.attr(io, "id"));
    for (auto d : ctx.children(io, "dataInput")) node.io.inputs.push_back(readDataItem(ctx, d));
    for (auto d : ctx.children(io, "dataOutput")) node.io.outputs.push_back(readDataItem(ctx, d));
    for (const char* set : {"inputSet", "outputSet"})
      for (auto s : ctx.children(io, set)) ctx.registerId(s, ctx.attr(s, "id"));
  }
  for (auto a : ctx.children(xml, "dataInputAssociation")) node.dataInputs.push_back(readDataAssociation(ctx, a));
  for (auto a : ctx.children(xml, "dataOutputAssociation")) node.dataOutputs.push_back(readDataAssociation(ctx, a));
  for (auto p : ctx.children(xml, "property")) {
    auto d = readDataItem(ctx, p);
    node.properties.emplace_back(d.id, d.name);
  }
}

void readScope(ReadContext& ctx, pugi::xml_node xml, model::Scope& scope) {
  for (auto c : xml.children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = ctx.xml.name(c);
    if (name.ns != kBpmnNs) continue;
    if (auto entry = findNodeReader(name.local)) {
      auto node = std::make_unique<model::FlowNode>();
      node->kind = entry->kind;
      node->id = ctx.idOf(c, name.local);
      node->name = ctx.attr(c, "name");
      node->position = ctx.position(c);
      node->scope = &scope;
      node->extensions = ctx.engineAttrs(c);
      ctx.registerId(c, node->id);
      entry->read(ctx, c, *node);
      scope.nodes.push_back(std::move(node));
    } else if (name.local == "sequenceFlow") {
      auto f = readSequenceFlow(ctx, c);
      f->index = scope.flows.size();
      scope.flows.push_back(std::move(f));
    } else if (name.local == "dataObject") {
      scope.dataObjects.push_back(readDataItem(ctx, c));
    } else if (name.local == "dataObjectReference") {
      ctx.registerId(c, ctx.attr(c, "id"));
      scope.dataObjectReferences.emplace_back(ctx.attr(c, "id"), ctx.attr(c, "dataObjectRef"));
    } else if (name.local == "association") {
      ctx.registerId(c, ctx.attr(c, "id"));
      scope.associations.emplace_back(ctx.attr(c, "sourceRef"), ctx.attr(c, "targetRef"));
    } else if (name.local == "laneSet") {
      ctx.registerId(c, ctx.attr(c, "id"));
      for (auto l : ctx.children(c, "lane")) scope.lanes.push_back(readLane(ctx, l));
    } else if (name.local == "property") {
      scope.dataObjects.push_back(readDataItem(ctx, c));
    } else if (name.local == "ioSpecification") {
      ctx.registerId(c, ctx.attr(c, "id"));
      for (auto d : c.children())
        if (d.type() == pugi::node_element && ctx.xml.name(d).ns == kBpmnNs) ctx.registerId(d, ctx.attr(d, "id"));
    } else if (name.local != "documentation" && name.local != "extensionElements" && c.attribute("id")) {
      // Artifacts and the rest (textAnnotation, association, group, dataStoreReference ...)
      // take part in id checks; they do not execute.
      ctx.registerId(c, ctx.attr(c, "id"));
    }
  }
}

}  // namespace ordo::parse
