#!/usr/bin/env bash
# `ehsim check`'s snapshots against its peer, re-running from reset: the same N injection points
# of a program (default tests/firmware/sort.c, 73,587 instructions) once through `ehsim check
# --points N` (fork snapshots of the stepped reference run) and once as N separate
# `ehsim exec --power-fail-at-cycle C` runs, two at a time like check's default -j 2. Prints both
# wall times and their ratio. Usage: bench/bench_check.sh BUILD_DIR [N] [FIRMWARE]
set -euo pipefail
build=${1:?usage: bench/bench_check.sh BUILD_DIR [N] [FIRMWARE]}
n=${2:-500}
fw=${3:-$build/firmware/sort.elf}
ehsim=$build/sim/ehsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s.%N)
"$ehsim" check "$fw" --points "$n" -j 2 --out "$work/check" > /dev/null || true
check_s=$(echo "$(date +%s.%N) - $start" | bc)
cycles=$("$ehsim" exec "$fw" --json | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['cycles'])")
start=$(date +%s.%N)
seq 1 "$n" | awk -v c="$cycles" -v n="$n" '{print int($1 * c / (n + 1))}' |
  xargs -P 2 -I{} "$ehsim" exec "$fw" --power-fail-at-cycle {} > /dev/null || true
rerun_s=$(echo "$(date +%s.%N) - $start" | bc)
echo "injections: $n on $(basename "$fw") ($cycles cycles)"
echo "ehsim check (snapshots):      ${check_s} s"
echo "re-run from reset (exec x$n): ${rerun_s} s"
echo "ratio re-run / check: $(echo "scale=2; $rerun_s / $check_s" | bc)"
