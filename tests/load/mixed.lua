-- wrk script for `make loadtest`: each connection signs in as one of two
-- CCGs' users (cookies from the environment, alternating by thread) and
-- cycles through that CCG's pages and JSON API calls. Every answer must be
-- a 200 (expect.lua counts the others).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "expect.lua")
local tenants = {
  { cookie = os.getenv("COOKIE_A"), ccg = os.getenv("CCG_A") },
  { cookie = os.getenv("COOKIE_B"), ccg = os.getenv("CCG_B") },
}
local threads = 0

function setup(thread)
  expect_setup(thread)
  thread:set("tenant", threads % 2 + 1)
  threads = threads + 1
end

function init(args)
  local t = tenants[tenant]
  local base = "/ccg/" .. t.ccg
  paths = {
    base, base .. "/view/monitoring", base .. "/view/spend",
    "/api/v1/ccg/" .. t.ccg, "/api/v1/ccg/" .. t.ccg .. "/view/monitoring", "/api/v1/ccgs",
  }
  cookie = t.cookie
  n = 0
end

function request()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1], { ["Cookie"] = cookie })
end
