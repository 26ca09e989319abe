-- Replays the requests of a plan file, picked at random, one pre-formatted request each.
-- Plan line: METHOD <TAB> TARGET <TAB> HEADERS <TAB> BODY, headers "Name: value" joined by \31.
-- Arguments after `--`: the plan file, a random seed.

local plan = {}

function init(args)
  for line in io.lines(args[1]) do
    local method, target, headers, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local fields = {}
    for pair in headers:gmatch("[^\31]+") do
      local name, value = pair:match("^([^:]+):%s*(.*)$")
      fields[name] = value
    end
    if body == "" then body = nil end
    plan[#plan + 1] = wrk.format(method, target, fields, body)
  end
  math.randomseed(tonumber(args[2] or "1"))
end

function request()
  return plan[math.random(#plan)]
end

done = dofile("report.lua")
