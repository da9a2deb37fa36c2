#!/usr/bin/env bash
# Real Nix (nix-store -r) realising a closure of small paths through `serve` (one seeding peer,
# real planner, tracker and index) vs straight from the HTTP cache, same run, alternating; also
# with prefetching off. The HTTP cache (JDK HttpServer) runs with Nagle off, as nginx/CDNs do.
# Usage: bench/client/nix-closure.sh   (PATHS=60 RUNS=5 MAX_SIZE=262144)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -B -q ${MVN_OFFLINE:-} verify -pl cli -am -Dtest='NixClosureBench' -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine="-Dnixswarm.bench=true -Dsun.net.httpserver.nodelay=true -Dbench.paths=${PATHS:-60} -Dbench.runs=${RUNS:-5} -Dbench.maxSize=${MAX_SIZE:-262144} ${EXTRA_ARGS:-}"
cat cli/target/bench-nix-closure.txt
