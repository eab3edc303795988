// The low-code platform's workflow OpenAPI (seed 000, V23.3), served by Ordo.
#pragma once

#include "server/http.hpp"

namespace ordo::server::lowcode {

// Every route under /openservice/app-designer/openworkflow/ (docs/dialects/lowcode.md).
void addRoutes(RouteTable& t);

}  // namespace ordo::server::lowcode
