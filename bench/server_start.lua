-- wrk: POST .../process-definition/key/leaveApproval/start, one command per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("ORDO_AUTH")
wrk.body = '{"variables":{"days":{"value":1,"type":"Integer"},"manager":{"value":"manager","type":"String"}}}'

dofile(os.getenv("ORDO_BENCH_DIR") .. "/server_report.lua")
