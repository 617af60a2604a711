-- Sends the requests listed in BENCH_REQUESTS, one per line: METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY.
-- Each wrk thread takes its own share of the lines (line i goes to thread i mod BENCH_THREADS)
-- and cycles through them, so two threads never send the same line.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local all = read_lines(os.getenv("BENCH_REQUESTS"))
local mine = {}
local pos = 0

function init(args)
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  for i, line in ipairs(all) do
    if (i - 1) % nthreads == id then
      local f = split_tab(line)
      local headers = {
        ["Authorization"] = "Bearer " .. f[3],
        ["Content-Type"] = "application/json",
      }
      table.insert(mine, wrk.format(f[1], f[2], headers, f[4]))
    end
  end
  all = nil
end

function request()
  pos = pos + 1
  if pos > #mine then pos = 1 end
  return mine[pos]
end
