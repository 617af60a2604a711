-- Shared by every wrk script of the Concours benchmarks: counts answers by status code in each
-- thread and prints one JSON summary line (prefixed with BENCH_JSON) when the run is over.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

codes = {}

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

-- Lines of a file (the per-run data written by bench.py), or an empty table.
function read_lines(path)
  local lines = {}
  if path == nil then return lines end
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    if #line > 0 then table.insert(lines, line) end
  end
  f:close()
  return lines
end

function split_tab(line)
  local out = {}
  for field in string.gmatch(line, "[^\t]+") do table.insert(out, field) end
  return out
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    if c then
      for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
    end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format('"%d": %d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "p999": %d, "max": %d}, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "non_2xx_3xx": %d, ' ..
    '"status": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status,
    table.concat(parts, ", ")))
end
