-- GET the URL given on wrk's command line; extra headers come from BENCH_HEADER ("Name: value").
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local h = os.getenv("BENCH_HEADER")
if h and #h > 0 then
  local name, value = string.match(h, "^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
