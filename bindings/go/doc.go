// Package ordo is the Go binding of Ordo, an embeddable BPMN 2.0 workflow
// engine, over its C ABI (ordo.h, libordo.so).
//
// The library is found with pkg-config (package "ordo"): an installed Ordo
// ships ordo.pc; for a build tree, dev-pkgconfig.sh DIR LIB_DIR writes one
// (run_tests.sh does, for the build directory ctest gives it).
//
//	e, err := ordo.Open("workflows.db")
//	if err != nil { ... }
//	defer e.Close()
//	if _, err := e.Deploy(xml); err != nil { ... }
//	inst, err := e.Start(ctx, ordo.StartRequest{Key: "leaveApproval",
//		Variables: map[string]any{"days": 2, "manager": "mary"}})
//	tasks, err := e.Tasks(ordo.TaskQuery{Assignee: "mary"})
//	err = e.Complete(ctx, tasks[0].ID, map[string]any{"approved": true}, "mary")
//
// An Engine may be used by many goroutines at once. Failures are *Error
// values; test their class with errors.Is (errors.Is(err, ordo.ErrNotFound))
// and read their details with errors.As.
//
// Calls that run a process on (Start, Complete, CompleteExternal,
// RunDueJobs) take a context: once it is done the call is interrupted, its
// changes rolled back, and the error is both ErrInterrupted and ctx.Err().
// Ordo's interrupt stops whatever command is running on the engine, so a call
// of another goroutine may be stopped too; the binding makes such a call again
// (its changes were rolled back), which is why a service-task handler may run
// more than once for one call.
//
// Variables are JSON objects as map[string]any, marshalled with encoding/json;
// numbers read back are float64.
package ordo
