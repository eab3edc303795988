-- wrk: the "bench=server ..." line bench/run reads, shared by server_start.lua and server_complete.lua.
done = function(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.timeout
  io.write(string.format("bench=server op=%s conns=%s requests=%d requests_per_s=%.0f p50_us=%d p99_us=%d failed=%d\n",
    os.getenv("ORDO_OP"), os.getenv("ORDO_CONNS"), summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), failed))
end
