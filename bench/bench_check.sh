#!/usr/bin/env bash
# `ehsim check`'s speed (bench/RESULTS.md "`ehsim check`"). Three measurements in one invocation:
#  1. N injection points of a program (default: bench/firmware/fram_prefix.c, which writes FRAM in
#     nearly every step, so reuse helps least) three ways: `ehsim check --points N` (reuse and
#     workers), `--no-reuse` (a fork snapshot per point) and N `ehsim exec --power-fail-at-cycle`
#     runs from reset, two at a time like check's -j 2; wall times and ratios.
#  2. Every instruction of that program, and of the checkpointing CRC demo (14.3 M instructions).
#  3. Every instruction of one FreeML inference on a small generated model (freeml-ref gen).
# Usage: bench/bench_check.sh BUILD_DIR [N] [FIRMWARE]
set -euo pipefail
build=${1:?usage: bench/bench_check.sh BUILD_DIR [N] [FIRMWARE]}
n=${2:-500}
fw=${3:-$build/firmware/bench_fram_prefix.elf}
ehsim=$build/sim/ehsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds() { # COMMAND...: wall seconds of COMMAND (its output discarded, its status ignored)
  local start
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1 || true
  echo "$(date +%s.%N) - $start" | bc
}
runs() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['injections'], 'injections,', d['simulated_runs'], 'simulated')" "$1"; }

echo "== $n points of $(basename "$fw")"
reuse_s=$(seconds "$ehsim" check "$fw" --points "$n" -j 2 --out "$work/reuse")
fork_s=$(seconds "$ehsim" check "$fw" --points "$n" -j 2 --no-reuse --out "$work/fork")
cycles=$("$ehsim" exec "$fw" --json | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['cycles'])")
rerun() {
  seq 1 "$n" | awk -v c="$cycles" -v n="$n" '{print int($1 * c / (n + 1))}' |
    xargs -P 2 -I{} "$ehsim" exec "$fw" --power-fail-at-cycle {}
}
rerun_s=$(seconds rerun)
echo "check (reuse, workers):          ${reuse_s} s  ($(runs "$work/reuse/check.json"))"
echo "check --no-reuse (fork a point): ${fork_s} s"
echo "re-run from reset (exec x$n):    ${rerun_s} s"
echo "ratio --no-reuse / reuse: $(echo "scale=1; $fork_s / $reuse_s" | bc)"
echo "ratio re-run / reuse:     $(echo "scale=1; $rerun_s / $reuse_s" | bc)"

echo "== every instruction"
s=$(seconds "$ehsim" check "$fw" -j 2 --out "$work/all")
echo "$(basename "$fw"): ${s} s ($(runs "$work/all/check.json"))"
crc=$build/firmware/checksum_ckpt.elf
s=$(seconds "$ehsim" check "$crc" --commit-marker 17 --observe marker:19 --observe marker:20 -j 2 \
  --out "$work/crc")
echo "$(basename "$crc"): ${s} s ($(runs "$work/crc/check.json"))"
"$build/freeml/freeml-ref" gen mixed 77 1 "$work/m.fmlb" "$work/m.fmls" > /dev/null
observe=""
for id in 83 84 85 86 87 88 89; do observe+=" --observe marker:$id"; done
# shellcheck disable=SC2086 # the observe options are words
s=$(seconds "$ehsim" check "$build/firmware/freeml_infer.elf" --load "$work/m.fmlb@freeml_model" \
  --samples "$work/m.fmls" --after-marker 81 $observe -j 2 --out "$work/fml")
echo "freeml_infer.elf (gen mixed 77, after marker 81): ${s} s ($(runs "$work/fml/check.json"))"
