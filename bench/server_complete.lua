-- wrk: POST /engine-rest/task/{id}/complete over the open tasks in ids.lua; each thread takes
-- every n-th id, so no task is completed twice. When a thread runs out of ids it stops; the
-- rate is then completions over the wall time they took (measured here, with LuaJIT's FFI),
-- not over wrk's whole duration.
dofile(os.getenv("ORDO_IDS"))
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } ordo_timespec;
  int clock_gettime(int clock, ordo_timespec *tp);
]]
local function now()
  local t = ffi.new("ordo_timespec")
  ffi.C.clock_gettime(1, t)  -- CLOCK_MONOTONIC
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local threads = {}
local skip = tonumber(os.getenv("ORDO_SKIP"))  -- the 1-connection run used the first half

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  n, completed, started, last = 0, 0, now(), now()
  count = tonumber(os.getenv("ORDO_THREADS"))
  base = skip == 1 and math.floor(#ids / 2) or 0
  limit = skip == 1 and #ids or math.floor(#ids / 2)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = os.getenv("ORDO_AUTH")
end

function request()
  local i = base + tid + n * count + 1
  n = n + 1
  if i > limit then
    wrk.thread:stop()
    return wrk.format("GET", "/health")
  end
  return wrk.format("POST", "/engine-rest/task/" .. ids[i] .. "/complete", nil,
                    '{"variables":{"approved":{"value":true,"type":"Boolean"}}}')
end

function response(status, headers, body)
  if status == 204 then
    completed = completed + 1
    last = now()
  end
end

function done(summary, latency, requests)
  local total, first, final = 0, nil, nil
  for _, t in ipairs(threads) do
    total = total + t:get("completed")
    local s, l = t:get("started"), t:get("last")
    if not first or s < first then first = s end
    if not final or l > final then final = l end
  end
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.timeout
  io.write(string.format("bench=server op=%s conns=%s requests=%d requests_per_s=%.0f p50_us=%d p99_us=%d failed=%d\n",
    os.getenv("ORDO_OP"), os.getenv("ORDO_CONNS"), total, total / math.max(final - first, 1e-6),
    latency:percentile(50), latency:percentile(99), failed))
end
