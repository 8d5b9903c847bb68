#!/usr/bin/env bash
# Cost of `--profile` (docs/profile.md): bench_matmul.elf under `ehsim exec --until done` with and
# without `--profile DIR`, alternating in one invocation so that both see the same machine load;
# prints each pair's CPU times and the ratio profiled / plain.
#   usage: [EHSIM=path/to/ehsim] [RUNS=5] bench/bench_profile.sh [BUILD_DIR]     (default: build)
set -euo pipefail

build_dir=${1:-build}
ehsim=${EHSIM:-"$build_dir/sim/ehsim"}
elf="$build_dir/firmware/bench_matmul.elf"
runs=${RUNS:-5}
for f in "$ehsim" "$elf"; do
  [[ -e $f ]] || { echo "bench_profile.sh: $f not found (build the project first)" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# CPU seconds (user + system) of one command.
cpu_s() {
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" >/dev/null 2>&1 || true  # status 1: exit code
  awk '{print $1 + $2}' "$tmp/time"
}

printf "%-4s %10s %12s %7s\n" run plain_s profiled_s ratio
ratios=()
for i in $(seq 1 "$runs"); do
  plain=$(cpu_s "$ehsim" exec "$elf" --json --until done)
  rm -rf "$tmp/prof"
  profiled=$(cpu_s "$ehsim" exec "$elf" --json --until done --profile "$tmp/prof")
  ratio=$(awk -v a="$profiled" -v b="$plain" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$ratio")
  printf "%-4s %10s %12s %7s\n" "$i" "$plain" "$profiled" "$ratio"
done
printf "%s\n" "${ratios[@]}" | sort -n |
  awk '{a[NR] = $1} END {print "median ratio", a[int((NR + 1) / 2)]}'
