-- The public follow-and-claim flow, many visitors at once: POST /f/{code} with a new phone (action=send,
-- the one-time code goes to the development SMS provider, which the bench server makes answer a fixed
-- code), then, when its answer names the verify step, POST /f/{code} with that reference and the code
-- (action=verify): the customer is created, follows, gets the welcome coupon and is sent to the wallet.
-- Each answer decides the next request, so the flow needs no per-connection state: a verify is sent by
-- whichever connection asks next. One flow = two requests; BENCH_STATUS also counts the flows completed.
-- Arguments after `--`: plan file (unused), seed (unused), state file (next phone number, carried from the
-- warm-up to the measured run), CSRF token (cookie and form field), channel codes (comma-separated),
-- first phone number (11 digits), the fixed one-time code, the privacy notice version.

-- globals: done() reads them from the thread with thread:get()
statuses = {}
flows = 0
sent = 0
state_file = nil
local threads = {}
local token, codes, first_phone, otp, notice = nil, {}, 0, nil, nil
local pending = {}  -- {code, ref, address} of sends whose answer came back, waiting for their verify
local head, tail = 1, 0

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  state_file, token, otp, notice = args[3], args[4], args[7], args[8]
  for code in args[5]:gmatch("[^,]+") do codes[#codes + 1] = code end
  first_phone = tonumber(args[6])
  local f = io.open(state_file, "r")
  if f then
    sent = tonumber(f:read("*l") or "0") or 0
    f:close()
  end
end

local function address_of(n)
  return string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

local function post(code, body, address)
  return wrk.format("POST", "/f/" .. code, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. token,
    ["X-Forwarded-For"] = address,
  }, body .. "&_csrf_token=" .. token)
end

function request()
  if head <= tail then
    local item = pending[head]
    pending[head] = nil
    head = head + 1
    return post(item[1], "action=verify&ref=" .. item[2] .. "&code=" .. otp, item[3])
  end
  sent = sent + 1
  local code = codes[(sent - 1) % #codes + 1]
  local phone = string.format("%.0f", first_phone + sent)
  -- visitors on their own mobile connections: spread over 10.0.0.0/8 (the bench server trusts 127.0.0.1 as proxy)
  return post(code, "action=send&phone=" .. phone .. "&consent_service=yes&age_confirmed=yes&notice_version=" .. notice,
              address_of(sent))
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status == 303 then
    local location = headers["location"] or headers["Location"] or ""
    local code, ref = location:match("^/f/([^?]+)%?step=verify&c=([^&]+)")
    if code then
      tail = tail + 1
      -- (which send this answers is unknown here: the verify comes from an address of the same spread)
      pending[tail] = {code, ref, address_of(tail)}
    elseif location:match("^/w/") then
      flows = flows + 1
    end
  end
end

local report = dofile("report.lua")

function done(summary, latency, requests)
  local total_flows, counts, path, last = 0, {}, nil, 0
  for _, thread in ipairs(threads) do
    total_flows = total_flows + (thread:get("flows") or 0)
    path = path or thread:get("state_file")
    local n = thread:get("sent") or 0
    if n > last then last = n end
    for status, count in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  if path then
    local f = io.open(path, "w")
    f:write(tostring(last) .. "\n")
    f:close()
  end
  report(summary, latency, requests)
  local parts = {}
  for status, count in pairs(counts) do parts[#parts + 1] = string.format('"%s":%d', status, count) end
  io.write(string.format('BENCH_STATUS {"statuses":{%s},"position":%d,"flows":%d}\n', table.concat(parts, ","),
                         last, total_flows))
end
