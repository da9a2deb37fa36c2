#!/usr/bin/env bash
# Magnet index benchmarks (figures in BENCHMARKS.md, "Magnet index").
#   bench/index/run.sh [ENTRIES_FOR_WRK=1000000] [ENTRIES_FOR_STORE=0 (skip), e.g. 10000000]
# 1. store: writes a plan of N entries and its segment (bytes/path, build and open time, lookup
#    latency against an in-heap HashMap reference);
# 2. verify: load-time verification rate (against plain JSON parsing);
# 3. wrk: lookups/s on /v1/path/<hash> over random known hashes, against /nix-cache-info (a
#    constant answer through the same Netty pipeline) as the reference, 2 threads, 64 connections;
#    ROUNDS (default 3) alternating 10 s runs of each, so that the other load on a shared machine
#    hits both alike: the medians and their ratio are reported, with the load average.
# Needs wrk; work files go to ${BENCH_DIR:-/tmp/nix-swarm-index-bench} (about 1.2 KB per entry).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n_wrk="${1:-1000000}"
n_store="${2:-0}"
work="${BENCH_DIR:-/tmp/nix-swarm-index-bench}"
port="${PORT:-18091}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cd "$here"
mvn -B -q -o -DskipTests package -pl cli -am >&2 || mvn -B -q -DskipTests package -pl cli -am >&2
mvn -B -q -o test-compile -pl magnet-index -am >&2
cp="magnet-index/target/test-classes:magnet-index/target/classes:dht/target/classes:core/target/classes:$(ls cli/target/lib/*.jar | tr '\n' ':')"
bench() { java -Xmx4g -cp "$cp" org.nixswarm.index.bench.IndexBench "$@"; }
echo "== $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$n_store" != 0 ]; then
  rm -rf "$work/store-$n_store"
  echo "== store, $n_store entries"
  bench store "$work/store-$n_store" "$n_store"
  rm -rf "$work/store-$n_store"
fi
echo "== verify"
bench verify 4000
echo "== store + wrk, $n_wrk entries"
rm -rf "$work/wrk-$n_wrk"
bench store "$work/wrk-$n_wrk" "$n_wrk"
java -jar cli/target/nix-swarm.jar index --plan "$work/wrk-$n_wrk" --store "$work/wrk-$n_wrk/store" \
  --http "127.0.0.1:$port" --failed-lookups-burst 1000000 > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/nix-cache-info" && break; sleep 1; done
grep -h "entries" "$work/server.log" || true
wrk -t2 -c64 -d5s "http://127.0.0.1:$port/nix-cache-info" > /dev/null # warm-up
HASHES="$work/wrk-$n_wrk/hashes.txt" wrk -t2 -c64 -d5s -s bench/index/lookup.lua "http://127.0.0.1:$port" > /dev/null
refs=(); gots=()
for round in $(seq 1 "${ROUNDS:-3}"); do
  ref=$(wrk -t2 -c64 -d10s "http://127.0.0.1:$port/nix-cache-info" | awk '/Requests\/sec/ {print $2}')
  out=$(HASHES="$work/wrk-$n_wrk/hashes.txt" wrk -t2 -c64 -d10s --latency -s bench/index/lookup.lua "http://127.0.0.1:$port")
  got=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  echo "round $round: lookups/s $got, /nix-cache-info $ref req/s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$out" | grep -E "Latency|50%|99%|Non-2xx" | sed 's/^/  /' || true
  refs+=("$ref"); gots+=("$got")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
got=$(median "${gots[@]}"); ref=$(median "${refs[@]}")
fails=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/endpoint="path",status="404"/ {print $2}')
echo "median lookups/s: $got; median reference /nix-cache-info: $ref req/s; ratio $(awk -v a="$got" -v b="$ref" 'BEGIN {printf "%.2f", a / b}'); failed lookups: ${fails:-0}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
kill $server; wait $server 2>/dev/null || true
rm -rf "$work/wrk-$n_wrk"
