/* C side of the Go binding: Ordo calls these C functions, which forward to the
   exported Go functions in callbacks.go. The payload Ordo hands back is a
   runtime/cgo.Handle carried as a uintptr_t. */
#ifndef ORDO_GO_SHIM_H
#define ORDO_GO_SHIM_H

#include <stdint.h>
#include <ordo.h>

int ordogo_handler_register(ordo_engine *engine, const char *name, uintptr_t handle);
int ordogo_listener_register(int *out_id, ordo_engine *engine, uintptr_t handle);
void ordogo_options_set_clock(ordo_options *options, uintptr_t handle);

#endif
