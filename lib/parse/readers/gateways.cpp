// Gateways: exclusive, parallel, inclusive, event-based, complex.
#include "parse/context.hpp"

namespace ordo::parse {

void readGateway(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  node.defaultFlowId = ctx.attr(xml, "default");
  node.gatewayDirection = ctx.attr(xml, "gatewayDirection");
  node.eventGatewayType = ctx.attr(xml, "eventGatewayType");
  node.instantiate = ctx.boolAttr(xml, "instantiate", false);
  node.activationCondition = ctx.text(ctx.child(xml, "activationCondition"));
  readAsyncFlags(ctx, xml, node);
}

}  // namespace ordo::parse
