-- wrk script for scripts/load-test and scripts/soak-test: logged-in member searches, rotating
-- through several thousand different search pages (keywords, filters, sorts, pages).
--
-- Environment:
--   PORTAL_COOKIE       the member session cookie, NAME=VALUE
--   PORTAL_WRK_RESULT   a file to write the figures to, one `name value` a line
--   PORTAL_WRK_PAGES    the pages to ask for (default scripts/lib/search-pages.txt, from the
--                       repository's top folder, where the scripts run wrk)
-- Each response that is not 2xx is counted here (wrk's own "Non-2xx" line counts 3xx too, so a
-- lost session's redirect to the login page would not show as an error there).

-- The pages, one path a line.
local pages_file = os.getenv("PORTAL_WRK_PAGES") or "scripts/lib/search-pages.txt"
local paths = {}
for line in io.lines(pages_file) do
  if line ~= "" and line:sub(1, 1) ~= "#" then paths[#paths + 1] = line end
end
if #paths == 0 then
  error("no search pages in " .. pages_file)
end

local cookie = os.getenv("PORTAL_COOKIE")
if not cookie or cookie == "" then
  error("PORTAL_COOKIE is not set")
end
wrk.headers["Cookie"] = cookie

-- Per thread (each has its own Lua state): where it is in the list, and what it counted.
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  threads[#threads + 1] = thread
end

local position, stride
non2xx = 0
first_bad = ""
-- From each response's Server-Timing header (milliseconds): the search, or the lookup of a
-- page kept in memory, and the rendering.
searched, searched_ms = 0, 0
kept, kept_ms = 0, 0
render_ms = 0

function init(args)
  -- Each thread walks the list from its own place with a stride prime to its length.
  position = (id * 7919) % #paths
  stride = 1543
  while #paths % stride == 0 do stride = stride + 2 end
end

function request()
  position = (position + stride) % #paths
  return wrk.format("GET", paths[position + 1])
end

function response(status, headers, body)
  local timing = headers["server-timing"] or headers["Server-Timing"]
  if timing then
    local search = tonumber(string.match(timing, "search;dur=([%d%.]+)"))
    local lookup = tonumber(string.match(timing, "kept;dur=([%d%.]+)"))
    if search then searched, searched_ms = searched + 1, searched_ms + search end
    if lookup then kept, kept_ms = kept + 1, kept_ms + lookup end
    render_ms = render_ms + (tonumber(string.match(timing, "render;dur=([%d%.]+)")) or 0)
  end
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then
      -- The path last asked for on this thread: with several connections a thread, not
      -- necessarily this response's.
      first_bad = status .. " (last path asked: " .. paths[position + 1] .. ")"
    end
  end
end

function done(summary, latency, requests)
  local bad, example = 0, ""
  local n_searched, n_kept, ms_searched, ms_kept, ms_render = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    if example == "" then example = thread:get("first_bad") end
    n_searched = n_searched + thread:get("searched")
    n_kept = n_kept + thread:get("kept")
    ms_searched = ms_searched + thread:get("searched_ms")
    ms_kept = ms_kept + thread:get("kept_ms")
    ms_render = ms_render + thread:get("render_ms")
  end
  local timed = math.max(n_searched + n_kept, 1)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  local lines = {
    "paths " .. #paths,
    "requests " .. summary.requests,
    "seconds " .. string.format("%.2f", seconds),
    "rps " .. string.format("%.0f", summary.requests / seconds),
    "non2xx " .. bad,
    "first_non2xx " .. (example == "" and "-" or example),
    "connect_errors " .. errors.connect,
    "read_errors " .. errors.read,
    "write_errors " .. errors.write,
    "timeouts " .. errors.timeout,
    "p50_ms " .. string.format("%.2f", latency:percentile(50) / 1000),
    "p90_ms " .. string.format("%.2f", latency:percentile(90) / 1000),
    "p99_ms " .. string.format("%.2f", latency:percentile(99) / 1000),
    "max_ms " .. string.format("%.2f", latency.max / 1000),
    "mean_ms " .. string.format("%.3f", latency.mean / 1000),
    "searched " .. n_searched,
    "kept " .. n_kept,
    "search_mean_ms " .. string.format("%.3f", ms_searched / math.max(n_searched, 1)),
    "found_mean_ms " .. string.format("%.3f", (ms_searched + ms_kept) / timed),
    "render_mean_ms " .. string.format("%.3f", ms_render / timed),
  }
  local out = os.getenv("PORTAL_WRK_RESULT")
  local file = out and io.open(out, "w")
  for _, line in ipairs(lines) do
    if file then file:write(line, "\n") else io.write(line, "\n") end
  end
  if file then file:close() end
end
