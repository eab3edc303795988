-- wrk: POST /engine-rest/task/{id}/complete over the open tasks in ids.lua; each thread takes
-- every n-th id, so no task is completed twice (ids run out: the last one repeats, counted failed).
dofile(os.getenv("ORDO_IDS"))
local threads = {}
local skip = tonumber(os.getenv("ORDO_SKIP"))  -- the 1-connection run used the first half

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  count = tonumber(os.getenv("ORDO_THREADS"))
  base = skip == 1 and math.floor(#ids / 2) or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = os.getenv("ORDO_AUTH")
  wrk.body = '{"variables":{"approved":{"value":true,"type":"Boolean"}}}'
end

function request()
  local i = base + tid + n * count + 1
  n = n + 1
  local id = ids[i] or ids[#ids]
  return wrk.format(nil, "/engine-rest/task/" .. id .. "/complete")
end

dofile(os.getenv("ORDO_BENCH_DIR") .. "/server_report.lua")
