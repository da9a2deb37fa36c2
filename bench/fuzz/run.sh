#!/usr/bin/env bash
# Long coverage-guided fuzzing of every @FuzzTest (Jazzer), one target at a time.
#
#   bench/fuzz/run.sh [seconds-per-target] [target-filter]
#
# seconds-per-target defaults to 300; target-filter is a regex matched against Class#method
# (e.g. 'Bencode|Torrent'). Each target runs in its own JVM with JAZZER_FUZZ=1 and Jazzer's agent
# on (coverage and compare instrumentation of org.nixswarm.**). The corpus each target grows
# (<module>/.cifuzz-corpus/<class>/<method>/) is copied into
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/, where `mvn verify` replays it;
# Jazzer writes a crashing input there too (crash-<sha1>), so a finding fails the plain build until
# it is fixed. Do not rebuild the modules while this runs (the targets load target/classes).
# A summary table (executions, corpus, findings) goes to bench/fuzz/last-run.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_TARGET="${1:-300}"
FILTER="${2:-.}"
LOGDIR="${FUZZ_LOGDIR:-target/fuzz-logs}"
mkdir -p "$LOGDIR"

# target list: module<TAB>fqcn<TAB>method, from the sources
targets() {
  grep -rl --include='*.java' '@FuzzTest' -- */src/test/java | sort | while read -r f; do
    module="${f%%/src/test/java/*}"
    rel="${f#*/src/test/java/}"
    fqcn="$(echo "${rel%.java}" | tr / .)"
    awk '/@FuzzTest/{t=1; next} t && /void [a-zA-Z0-9_]+\(/{match($0,/void [a-zA-Z0-9_]+\(/); print substr($0,RSTART+5,RLENGTH-6); t=0}' "$f" |
      while read -r m; do printf '%s\t%s\t%s\n' "$module" "$fqcn" "$m"; done
  done
}

mapfile -t TARGETS < <(targets | awk -F'\t' -v f="$FILTER" '{n=split($2,a,"."); if ((a[n] "#" $3) ~ f) print}')
[ "${#TARGETS[@]}" -gt 0 ] || { echo "no @FuzzTest matches '$FILTER'" >&2; exit 2; }
MODULES="$(printf '%s\n' "${TARGETS[@]}" | cut -f1 | sort -u | paste -sd,)"

echo "compiling $MODULES ..." >&2
mvn -B -q -pl "$MODULES" -am test-compile

SUMMARY="bench/fuzz/last-run.md"
{
  echo "Fuzzing run of $(date -u +%Y-%m-%dT%H:%MZ), ${SECONDS_PER_TARGET} s per target, $(nproc) cores, $(git rev-parse --short HEAD)"
  echo
  echo "| target | executions | exec/s | corpus files | coverage (cov/ft) | findings |"
  echo "|---|---|---|---|---|---|"
} > "$SUMMARY"

status=0
for t in "${TARGETS[@]}"; do
  IFS=$'\t' read -r module fqcn method <<<"$t"
  cls="${fqcn##*.}"
  pkgdir="$(dirname "$(echo "$fqcn" | tr . /)")"
  log="$LOGDIR/$cls-$method.log"
  echo "fuzzing $cls#$method for ${SECONDS_PER_TARGET}s (log: $log)" >&2
  rc=0
  # the test phase (not surefire:test alone): only a lifecycle build resolves core's test-jar in the reactor
  JAZZER_FUZZ=1 mvn -B -pl "$module" -am test \
      -Dtest="$cls#$method" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.hooks=true -Djazzer.instrument='org.nixswarm.**' \
      -Djazzer.max_duration="${SECONDS_PER_TARGET}s" >"$log" 2>&1 || rc=$?
  # keep what the fuzzer learnt (libFuzzer names corpus files by content hash: copies are idempotent)
  corpus="$module/.cifuzz-corpus/$fqcn/$method"
  inputs="$module/src/test/resources/$pkgdir/${cls}Inputs/$method"
  mkdir -p "$inputs"
  if [ -d "$corpus" ]; then find "$corpus" -maxdepth 1 -type f -exec cp -n {} "$inputs/" \; || true; fi
  # (|| true: a target that fails at once prints no statistics)
  runs="$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)"
  done_line="$(grep -aE '^Done [0-9]+ runs' "$log" | tail -1 || true)"
  [ -n "$done_line" ] && runs="$(echo "$done_line" | awk '{print $2}')"
  rate="$(grep -aoE 'exec/s: [0-9]+' "$log" | tail -1 | awk '{print $2}' || true)"
  cov="$(grep -aoE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | awk '{print $2 "/" $4}' || true)"
  files="$(find "$inputs" -maxdepth 1 -type f | wc -l)"
  crashes="$(grep -aoE 'Test unit written to [^ ]+' "$log" | awk '{print $5}' | xargs -r -n1 basename | paste -sd' ' || true)"
  if [ "$rc" -ne 0 ]; then
    status=1
    finding="**FAILED** ${crashes:-see $log}"
  else
    finding="none"
  fi
  echo "| $cls#$method | ${runs:-?} | ${rate:-?} | $files | ${cov:-?} | $finding |" >> "$SUMMARY"
done
cat "$SUMMARY"
exit "$status"
