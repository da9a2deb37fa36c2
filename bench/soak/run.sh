#!/usr/bin/env bash
# Long load runs (issue 8, "Load"; figures in docs/reliability.md, "Load"):
#   TrackerLoadTest      wrk, 2 threads, 64 connections, announces over 1,000 swarms: two phases
#   IndexLoadTest        wrk, 2 threads, 64 connections, path/prefix/bundle lookups: two phases
#   SubstituterLoadTest  64 Nix-like keep-alive clients against `nix-swarm serve`'s server: one phase
# each phase SECONDS long (default 300). The same tests run 15-20 s phases in `mvn verify`.
# Prints each test's LOAD line and writes them, with the date and command, to bench/soak/last-run.md.
# Usage: bench/soak/run.sh [SECONDS]      (needs wrk: apt-get install wrk)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-300}"
cd "$root"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cmd="mvn -B -pl tracker,magnet-index,swarm-client -am verify -Dnixswarm.soak=true -Dnixswarm.soakSeconds=$secs -Dtest=TrackerLoadTest,IndexLoadTest,SubstituterLoadTest -Dsurefire.failIfNoSpecifiedTests=false"
started="$(date -u +%FT%TZ)"
status=0
$cmd >"$log" 2>&1 || status=$?
{
  echo "# bench/soak/run.sh $secs ($started, $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "command: \`$cmd\`"
  echo
  grep -h "^LOAD " "$log" | sed 's/^/- /'
  [ "$status" = 0 ] || echo "- FAILED (exit $status): $(grep -m3 -h 'FAILURE\|AssertionFailed' "$log" | tr '\n' ' ')"
} | tee bench/soak/last-run.md
exit "$status"
