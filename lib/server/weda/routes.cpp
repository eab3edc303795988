// Every route of the WeDa dialect, one per action, sharing one dialect and token store.
#include "server/weda/common.hpp"
#include "server/weda/weda.hpp"

namespace ordo::server::weda {

void addRoutes(RouteTable& t) {
  auto d = addAuthRoutes(t);
  addFlowRoutes(t, d);
  addTaskRoutes(t, d);
  addPageRoutes(t, d);
  addMessageRoutes(t, d);
}

}  // namespace ordo::server::weda
