#!/usr/bin/env bash
# Announce throughput of `nix-swarm tracker` against opentracker, measured in one run.
# opentracker (Debian's build is in whitelist mode) gets a whitelist of the script's infohashes; it
# chroots to its -d directory, so the whitelist path is given relative to it. Both listen on
# 127.0.0.1 only; wrk sends announces (announce.lua) over $SWARMS infohashes and
# random peers with 2 threads and 64 connections. Prints announces/s of both and the ratio.
# Usage: bench/tracker/run.sh [seconds per measurement, default 15]   (ROUNDS=3, SWARMS=10000)
# Note: opentracker answers HTTP/1.0-style and closes the connection after every answer, so wrk
# reconnects for each of its announces; our tracker keeps connections alive.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-15}"
rounds="${ROUNDS:-3}"
export SWARMS="${SWARMS:-10000}"
ours_port="${OURS_PORT:-16969}"
ot_port="${OT_PORT:-16970}"
threads=2
conns=64

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v opentracker >/dev/null || { echo "opentracker is missing (apt-get install opentracker)" >&2; exit 1; }

work="$(mktemp -d)"
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  exit 1
}

check() { # url → fails unless a sample announce is answered with peers, not a failure
  local body
  body=$(curl -s "$1announce?info_hash=nixswarm%00%00%00%00%00%00%00%00%00%00%00%07&peer_id=-WR0001-000000001234&port=1234&uploaded=0&downloaded=0&left=5&compact=1" | tr -d "\0")
  case "$body" in
    *"failure reason"*|"") echo "$1 refused the sample announce: $body" >&2; exit 1 ;;
  esac
}

measure() { # url → announces/s
  wrk -t"$threads" -c"$conns" -d"${duration}s" -s "$here/announce.lua" "$1" > "$work/wrk.out"
  grep -q "Non-2xx" "$work/wrk.out" && { echo "non-2xx answers:" >&2; cat "$work/wrk.out" >&2; }
  awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out"
}

"$here/whitelist.py" > "$work/whitelist"
chmod 644 "$work/whitelist"

# Build the distribution first so that building does not steal CPU from a measurement.
"$root/nix-swarm" --version >/dev/null

NIX_SWARM_JAVA_OPTS="${NIX_SWARM_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}" \
  "$root/nix-swarm" tracker --http "127.0.0.1:$ours_port" --max-numwant 50 >"$work/ours.log" 2>&1 &
pids+=($!)
opentracker -i 127.0.0.1 -p "$ot_port" -P "$ot_port" -u nobody -d "$work" -w /whitelist >"$work/ot.log" 2>&1 &
pids+=($!)
wait_port "$ours_port"
wait_port "$ot_port"
check "http://127.0.0.1:$ours_port/"
check "http://127.0.0.1:$ot_port/"

# Warm-up (the JVM's JIT compiles the hot path; both get the same treatment), then alternate
# measurements so that load from elsewhere on the machine hits both alike; report the medians.
for port in "$ours_port" "$ot_port"; do
  wrk -t"$threads" -c"$conns" -d10s -s "$here/announce.lua" "http://127.0.0.1:$port/" >/dev/null
done
ours_all=(); theirs_all=()
for round in $(seq 1 "$rounds"); do
  ours_all+=("$(measure "http://127.0.0.1:$ours_port/")")
  theirs_all+=("$(measure "http://127.0.0.1:$ot_port/")")
  echo "round $round: nix-swarm ${ours_all[-1]}/s, opentracker ${theirs_all[-1]}/s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ours=$(median "${ours_all[@]}")
theirs=$(median "${theirs_all[@]}")

echo "swarms: $SWARMS, wrk: $threads threads, $conns connections, $rounds rounds of ${duration}s each, medians"
echo "nix-swarm tracker: $ours announces/s"
echo "opentracker:       $theirs announces/s"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio:             %.2f\n", a / b }'
