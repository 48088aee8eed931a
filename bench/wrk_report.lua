-- wrk script of the benchmark (bench/run.py): round-robins the requests listed in a
-- file (one a line: METHOD<TAB>PATH<TAB>HEADER: VALUE|HEADER: VALUE<TAB>BODY), paces
-- each connection when a rate is given, and prints one JSON line of results.
--   wrk -s bench/wrk_report.lua URL -- <requests file> <ms between requests per connection>
local lines = {}
local index = 0
local pause = 0

local function split(text, sep)
  local parts = {}
  for part in (text .. sep):gmatch("(.-)" .. sep) do
    table.insert(parts, part)
  end
  return parts
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      local f = split(line, "\t")
      local headers = {}
      for _, pair in ipairs(split(f[3] or "", "|")) do
        local name, value = pair:match("^([^:]+):%s*(.*)$")
        if name then headers[name] = value end
      end
      table.insert(lines, wrk.format(f[1], f[2], headers, (f[4] ~= "" and f[4]) or nil))
    end
  end
  pause = tonumber(args[2] or "0") or 0
  index = math.random(#lines) - 1
end

function delay()
  return pause
end

function request()
  index = (index % #lines) + 1
  return lines[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
