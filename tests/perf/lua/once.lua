-- Sends the requests of a plan file in order, each once (a coupon code, an idempotency key, a phone
-- number that must be new every time). Plan lines as in requests.lua.
-- Arguments after `--`: the plan file, a random seed (unused), a state file that carries the position
-- from one wrk run to the next (warm-up, then the measured run), so that no request is sent twice.
-- Prints BENCH_STATUS with the count of each answer's status and how far the plan was used.

-- globals: done() reads them from the thread with thread:get()
plan = {}
index = 0
statuses = {}
state_file = nil
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  state_file = args[3]
  for line in io.lines(args[1]) do
    local method, target, headers, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if method then
      local fields = {}
      for pair in headers:gmatch("[^\31]+") do
        local name, value = pair:match("^([^:]+):%s*(.*)$")
        fields[name] = value
      end
      if body == "" then body = nil end
      plan[#plan + 1] = wrk.format(method, target, fields, body)
    end
  end
  local f = io.open(state_file, "r")
  if f then
    index = tonumber(f:read("*l") or "0") or 0
    f:close()
  end
end

function request()
  index = index + 1
  -- past the end the plan starts over: those answers are refusals and count as errors
  return plan[(index - 1) % #plan + 1]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local report = dofile("report.lua")

function done(summary, latency, requests)
  local used, counts, path = 0, {}, nil
  for _, thread in ipairs(threads) do
    local n = thread:get("index") or 0
    if n > used then used = n end
    path = path or thread:get("state_file")
    for status, count in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  if path then
    local f = io.open(path, "w")
    f:write(tostring(used) .. "\n")
    f:close()
  end
  report(summary, latency, requests)
  local parts = {}
  for status, count in pairs(counts) do parts[#parts + 1] = string.format('"%s":%d', status, count) end
  io.write(string.format('BENCH_STATUS {"statuses":{%s},"position":%d}\n', table.concat(parts, ","), used))
end
