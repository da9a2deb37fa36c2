#!/usr/bin/env bash
# Bundle planner benchmark: nix-swarm plan-eval on a synthetic nixpkgs-like workload
# (default 200 k store paths, 1 M sessions, one incremental release), planner against the
# baselines computed in the same run. Takes several minutes; never part of the test suite.
# Heap limited to 4 GB, as the target says. Override PATHS / SESSIONS / SEED to vary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sample="$root/../shared/data/cache-nixos-org-sample.narinfo.xz"
fit=()
[ -f "$sample" ] && fit=(--fit-sizes "$sample")
NIX_SWARM_JAVA_OPTS="${NIX_SWARM_JAVA_OPTS:--Xmx4g}" exec "$root/nix-swarm" plan-eval --synthetic \
  --paths "${PATHS:-200000}" --session-count "${SESSIONS:-1000000}" --releases 1 --seed "${SEED:-1}" "${fit[@]}"
