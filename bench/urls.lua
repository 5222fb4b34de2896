-- Rotates through the URLs listed (one per line) in the file named by BENCH_URLS.
-- Each wrk thread starts at its own offset so threads do not move in lockstep.
local urls = {}
local counter = 0
local offset = 0

init = function(args)
  local path = os.getenv("BENCH_URLS")
  for line in io.lines(path) do
    if #line > 0 then urls[#urls + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
  offset = math.random(1, #urls)
end

request = function()
  counter = counter + 1
  return wrk.format("GET", urls[((offset + counter) % #urls) + 1])
end
