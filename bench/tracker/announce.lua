-- wrk script: announces over many infohashes and peers.
-- Infohashes are derived from an index so that run.sh can write opentracker's whitelist:
-- infohash i = 20 bytes: "nixswarm" (8 bytes) .. 12 bytes of big-endian i, zero-padded.
-- Each request picks a random swarm and a random peer (address via the ip parameter is not used:
-- both trackers see 127.0.0.1, so peers differ by port and peer_id).
local swarms = tonumber(os.getenv("SWARMS") or "10000")
local ports = 60000

local function pct(s)
  return (s:gsub(".", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function infohash(i)
  local tail = ""
  for k = 1, 12 do
    tail = string.char(i % 256) .. tail
    i = math.floor(i / 256)
  end
  return "nixswarm" .. tail
end

local hashes = {}
for i = 0, swarms - 1 do hashes[i] = pct(infohash(i)) end

function setup(thread)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local s = math.random(0, swarms - 1)
  local port = math.random(1025, ports)
  local left = (port % 4 == 0) and 0 or 1000
  local path = "/announce?info_hash=" .. hashes[s] ..
      "&peer_id=-WR0001-" .. string.format("%012d", port) ..
      "&port=" .. port .. "&uploaded=0&downloaded=0&left=" .. left .. "&compact=1&numwant=50"
  return wrk.format("GET", path)
end
