#include "shim.h"

#include "_cgo_export.h"

static int handler_trampoline(ordo_service_task *task, void *payload) {
  return ordogoHandler(task, (uintptr_t)payload);
}

static void listener_trampoline(const char *event_json, void *payload) {
  ordogoListener((char *)event_json, (uintptr_t)payload);
}

static int64_t clock_trampoline(void *payload) { return ordogoClock((uintptr_t)payload); }

int ordogo_handler_register(ordo_engine *engine, const char *name, uintptr_t handle) {
  return ordo_handler_register(engine, name, handler_trampoline, (void *)handle);
}

int ordogo_listener_register(int *out_id, ordo_engine *engine, uintptr_t handle) {
  return ordo_listener_register(out_id, engine, listener_trampoline, (void *)handle);
}

void ordogo_options_set_clock(ordo_options *options, uintptr_t handle) {
  options->clock = clock_trampoline;
  options->clock_payload = (void *)handle;
}
