#!/usr/bin/env bash
# Swarm-client benchmarks (issue 5), each against a reference measured in the same run:
#  1. a ~100 KB path through `serve` (a peer seeding it) vs a direct HTTP GET of the same file;
#  2. a 200 MB bundle from 4 seeders vs libtorrent 2.0.8 from the same seeders vs one HTTP GET.
# Usage: bench/client/run.sh            (BUNDLE_MB=200 SEEDERS=4 SMALL_RUNS=200 SMALL_WARMUP=200; ONLY=small|big runs one part;
#        EXTRA_ARGS="-Dnixswarm.trace=true" logs each fetch's steps with timestamps)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -B -q ${MVN_OFFLINE:-} verify -pl swarm-client -am -Dtest='ClientBench' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dnixswarm.bench=true -DtrimStackTrace=false \
  -DargLine="-Dnixswarm.bench=true -Dsun.net.httpserver.nodelay=true -Dbench.bundleMb=${BUNDLE_MB:-200} -Dbench.seeders=${SEEDERS:-4} -Dbench.smallRuns=${SMALL_RUNS:-200} -Dbench.smallWarmup=${SMALL_WARMUP:-200} -Dnixswarm.pieceTimeoutMs=${PIECE_TIMEOUT_MS:-500} -Dbench.ltScript=$root/bench/client/lt_fetch.py -Dbench.only=${ONLY:-} ${EXTRA_ARGS:-}"
cat swarm-client/target/bench-client.txt
