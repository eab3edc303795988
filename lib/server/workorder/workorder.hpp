// The work-order center dialect (统一工单中心, seed 001, docs/dialects/workorder.md): its 16
// operations under /workflow, /WorkOrder, /synthesis and /userdefine, its header schemes
// (requestType app/service), its {code, msg, data} and {code, msg, total, rows} envelopes;
// and the native routes an administrator uses to register its clients, categories and types.
#pragma once

#include <memory>

#include "server/http.hpp"

namespace ordo::server::workorder {

void addRoutes(RouteTable& t);
// The webhook sender of 工单告警 (webhook.cpp): a thread posting due deliveries until released.
std::shared_ptr<void> startBackground(Engine& engine);

}  // namespace ordo::server::workorder
