-- wrk script: GET every URL path listed in $PATHS (one a line), in turn, from each connection.
-- The load tests write the file (index: /v1/path, /v1/prefix and /v1/bundle of a test plan).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local i = 0
function init(args)
  i = math.random(0, #paths - 1)
end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
