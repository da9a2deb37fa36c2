#!/usr/bin/env bash
# The system benchmark: every headline figure of the project in one go, each against a reference
# measured in the same run, as one table (figure | ours | reference | ratio | target).
# Reuses the per-component scripts (bench/tracker, bench/client, bench/index, bench/planner) and
# cli's OffloadBench. Takes a long while (tens of minutes on the busy 2-core box); never in the test
# suite. Sizes are cut down from the component scripts' defaults so one run fits; override with:
#   TRACKER_SECONDS=10 TRACKER_ROUNDS=1 BUNDLE_MB=200 SMALL_RUNS=15 INDEX_ENTRIES=1000000
#   PLAN_PATHS=50000 PLAN_SESSIONS=200000 CLIENTS=20
# Raw outputs go to ${OUT:-/tmp/nix-swarm-bench-all}/<figure>.log; the table goes to stdout.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${OUT:-/tmp/nix-swarm-bench-all}"
mkdir -p "$out"
cd "$root"
echo "== $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD)" >&2
mvn -B -q -o -DskipTests package -pl cli -am >&2 2>&1 || mvn -B -q -DskipTests package -pl cli -am >&2

rows=()
row() { rows+=("$1|$2|$3|$4|$5"); echo "row: $1 | $2 | $3 | $4 | $5" >&2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || a == "" || b == "") print "n/a"; else printf "%.2f", a / b }'; }
num() { sed -E 's/[^0-9.]//g'; }

# 1. tracker vs opentracker (announces/s, wrk, same run)
if [ -x bench/tracker/run.sh ]; then
  echo "== tracker" >&2
  ROUNDS="${TRACKER_ROUNDS:-1}" bench/tracker/run.sh "${TRACKER_SECONDS:-10}" > "$out/tracker.log" 2>&1
  ours=$(awk '/^nix-swarm tracker:/ {print $3}' "$out/tracker.log")
  ot=$(awk '/^opentracker:/ {print $2}' "$out/tracker.log")
  row "tracker announces/s (wrk, 2 threads, 64 conns)" "${ours:-failed}" "${ot:-failed} (opentracker)" "$(ratio "$ours" "$ot")" ">= 1.5"
fi

# 2 + 3. a small path through the swarm vs direct HTTP; a bundle from 4 seeders vs libtorrent
if [ -x bench/client/run.sh ]; then
  echo "== client" >&2
  BUNDLE_MB="${BUNDLE_MB:-200}" SMALL_RUNS="${SMALL_RUNS:-15}" bench/client/run.sh > "$out/client.log" 2>&1
  l=$(grep -m1 '^small path (100 KB' "$out/client.log")
  s=$(echo "$l" | sed -E 's/.*swarm ([0-9.]+) ms.*/\1/'); h=$(echo "$l" | sed -E 's/.*direct HTTP ([0-9.]+) ms.*/\1/')
  row "100 KB path: swarm vs direct HTTP (ms, median)" "${s:-failed} ms" "${h:-failed} ms (HTTP GET)" "$(ratio "$s" "$h")" "<= 1.5"
  l=$(grep -m1 '^bundle ' "$out/client.log")
  s=$(echo "$l" | sed -E 's/.*swarm ([0-9.]+) MB\/s.*/\1/'); t=$(echo "$l" | sed -E 's/.*libtorrent ([0-9.]+) MB\/s.*/\1/')
  row "${BUNDLE_MB:-200} MB bundle from 4 seeders (MB/s)" "${s:-failed} MB/s" "${t:-failed} MB/s (libtorrent)" "$(ratio "$s" "$t")" ">= 1.0"
fi

# 4. origin offload: 20 clients fetch one closure, staggered
echo "== offload" >&2
mvn -B -q -o verify -pl cli -am -Dtest='OffloadBench' -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine="-Dnixswarm.bench=true -Dbench.clients=${CLIENTS:-20}" > "$out/offload.log" 2>&1
l=$(cat cli/target/bench-offload.txt 2>/dev/null)
off=$(echo "$l" | sed -E 's/.*offload ([0-9.]+);.*/\1/')
origin=$(echo "$l" | sed -E 's/.*origin served ([0-9]+) bytes.*/\1/'); ref=$(echo "$l" | sed -E 's/.*reference: ([0-9]+) for.*/\1/')
row "origin offload, ${CLIENTS:-20} clients, one closure" "${off:-failed} (origin $origin B)" "0 (origin $ref B over HTTP)" "$(ratio "$ref" "$origin")x less" ">= 0.93"

# 5. planner: bundles touched per held-out session vs random packing (plan-eval, synthetic)
echo "== planner" >&2
sample="$root/../shared/data/cache-nixos-org-sample.narinfo.xz"; fit=(); [ -f "$sample" ] && fit=(--fit-sizes "$sample")
NIX_SWARM_JAVA_OPTS="-Xmx4g" ./nix-swarm plan-eval --synthetic --paths "${PLAN_PATHS:-50000}" \
  --session-count "${PLAN_SESSIONS:-200000}" --releases 1 --seed 1 "${fit[@]}" > "$out/planner.log" 2>&1
# first table: the planner's row and the random-packing row, column "touched" (mean)
# (the name column is 34 characters wide; then bundles, touched mean)
ours=$(grep -m1 '^planner (co-access' "$out/planner.log" | cut -c35- | awk '{print $2}')
rnd=$(grep -m1 '^random packing' "$out/planner.log" | cut -c35- | awk '{print $2}')
row "bundles touched per session (plan-eval ${PLAN_PATHS:-50000} paths)" "${ours:-failed}" "${rnd:-failed} (random packing)" "$(ratio "$rnd" "$ours")x fewer" ">= 10x fewer"

# 6. index lookups/s (wrk on /v1/path/<hash>) vs a constant answer through the same server
if [ -x bench/index/run.sh ]; then
  echo "== index" >&2
  bench/index/run.sh "${INDEX_ENTRIES:-1000000}" > "$out/index.log" 2>&1
  # "median lookups/s: N; median reference /nix-cache-info: M req/s; ratio …" (medians of alternating rounds)
  l=$(grep -m1 '^median lookups/s:' "$out/index.log")
  got=$(echo "$l" | sed -E 's/^median lookups\/s: ([0-9.]+);.*/\1/'); ref=$(echo "$l" | sed -E 's/.*reference \/nix-cache-info: ([0-9.]+) req.*/\1/')
  row "index lookups/s (${INDEX_ENTRIES:-1000000} entries)" "${got:-failed}" "${ref:-failed} (/nix-cache-info)" "$(ratio "$got" "$ref")" ">= 50000/s"
fi

echo
echo "| figure | ours | reference (same run) | ratio | target |"
echo "|---|---|---|---|---|"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
