-- wrk script for `make loadtest`: every answer must be a 200. Counts the
-- answers that are not (a redirect to the sign-in page, an error page)
-- per thread and prints one line at the end, which scripts/loadtest.sh
-- checks:
--   answers: 12345, unexpected: 0
--   answers: 12345, unexpected: 12345 (first: 303 Location /signin)
-- Used alone for one URL (wrk -H sets the cookie) or loaded by mixed.lua.
local threads = {}

function expect_setup(thread)
  table.insert(threads, thread)
end

answers = 0
unexpected = 0
first_unexpected = ""

function response(status, headers, body)
  answers = answers + 1
  if status ~= 200 then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = tostring(status)
      local location = headers["Location"] or headers["location"]
      if location then first_unexpected = first_unexpected .. " Location " .. location end
    end
  end
end

function done(summary, latency, requests)
  local total, bad, first = 0, 0, ""
  for _, t in ipairs(threads) do
    total = total + t:get("answers")
    bad = bad + t:get("unexpected")
    if first == "" then first = t:get("first_unexpected") end
  end
  local line = string.format("answers: %d, unexpected: %d", total, bad)
  if bad > 0 then line = line .. " (first: " .. first .. ")" end
  io.write(line .. "\n")
end

if setup == nil then setup = expect_setup end
