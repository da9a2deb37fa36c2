#!/usr/bin/env bash
# Swarm simulation benchmark: nix-swarm simulate with 10,000 peers over 3 days on a synthetic
# nixpkgs-like cache of 50,000 store paths planned into bundles, each volunteer policy
# (least-seeded, random, none) on the same churn and requests; the reference in the same run is
# Nix fetching every file straight from the cache (time to first byte) and the no-volunteer policy
# (offload, zero-seeder bundles). Takes a few minutes; never part of the test suite.
# Override PEERS / DAYS / PATHS / POOL / SEED to vary; extra arguments go to nix-swarm simulate.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
NIX_SWARM_JAVA_OPTS="${NIX_SWARM_JAVA_OPTS:--Xmx3g}" exec "$root/nix-swarm" simulate \
  --peers "${PEERS:-10000}" --days "${DAYS:-3}" --paths "${PATHS:-50000}" --pool-sessions "${POOL:-100000}" \
  --seed "${SEED:-1}" "$@"
