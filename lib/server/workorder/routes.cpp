// The work-order dialect's routes, each group registered by the file that handles it.
#include "server/workorder/workorder.hpp"

#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

void addRoutes(RouteTable& t) {
  for (const auto& d : dialectPrefixes()) t.addDialect(d);
  addLoginRoute(t);
  addProcessRoutes(t);
  addTaskRoutes(t);
  addCatalogRoutes(t);
  addNativeRoutes(t);
  addReportRoutes(t);
  addPrintRoutes(t);
}

}  // namespace ordo::server::workorder
