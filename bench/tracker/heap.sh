#!/usr/bin/env bash
# Heap used per peer by the tracker's swarm store: 1 M peers across 100 k swarms, against an
# object-per-peer design (maps of peer objects) measured in the same JVM. Prints both and the ratio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -B -q -pl tracker -am verify -Dnixswarm.bench=true -Dtest=HeapPerPeerBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx3g -XX:+UseSerialGC" >/dev/null
grep -ho "heap per peer.*ratio [0-9.]*" tracker/target/surefire-reports/*HeapPerPeerBenchmark*
