-- wrk script: GET /v1/path/<hash> for hashes read from $HASHES (one Nix base32 hash a line)
local hashes = {}
for line in io.lines(os.getenv("HASHES")) do hashes[#hashes + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/v1/path/" .. hashes[(i % #hashes) + 1])
end
