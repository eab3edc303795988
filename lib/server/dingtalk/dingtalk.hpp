// The DingTalk dialect (seed 002): DingTalk's workflow server API, served by Ordo.
#pragma once

#include "server/http.hpp"

namespace ordo::server::dingtalk {

// GET /gettoken and every /topapi/ route of the dialect (docs/dialects/dingtalk.md).
void addRoutes(RouteTable& t);

}  // namespace ordo::server::dingtalk
