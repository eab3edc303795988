// The WeDa dialect: Tencent WeDa's workflow OpenAPI at /weda/workflow/v1/{envType}/<Action>
// (docs/dialects/weda.md), with its token endpoint at /weda/auth/v1/token.
#pragma once

#include "server/http.hpp"

namespace ordo::server::weda {

void addRoutes(RouteTable& t);

}  // namespace ordo::server::weda
