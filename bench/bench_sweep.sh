#!/usr/bin/env bash
# Sweep throughput: one 12-point sweep (capacitance 10uF..1mF:log:6 x seed 1,2) of the CRC demo
# without checkpoints on the project's square-wave trace (it never finishes there, so every point
# simulates the whole DURATION) with -j 1 and -j 2, each into a fresh directory; prints points per
# minute and the speedup, and checks that the two sweep.csv files are identical.
#   usage: [EHSIM=path/to/ehsim] bench/bench_sweep.sh [BUILD_DIR] [DURATION]   (default: build 10s)
set -euo pipefail

build_dir=${1:-build}
duration=${2:-10s}
ehsim=${EHSIM:-"$build_dir/sim/ehsim"}
firmware="$build_dir/firmware/checksum_restart.elf"
root=$(cd "$(dirname "$0")/.." && pwd)
for f in "$ehsim" "$firmware"; do
  [[ -e $f ]] || { echo "bench_sweep.sh: $f not found (build the project first)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/scenario.json" <<EOF
{
  "name": "bench_sweep: checksum_restart on the square trace",
  "firmware": "$(realpath "$firmware")",
  "device": {"mclk": "8MHz"},
  "harvester": {"type": "direct", "trace": {"file": "$root/traces/square-2mW-1Hz.csv", "loop": true}},
  "supply": {"capacitance": "47uF", "v_on": "2.4V", "v_off": "1.8V", "rated_voltage": "3.6V"},
  "progress": {"commit_marker": "0x11", "done_marker": "0x13"},
  "run": {"duration": "$duration"},
  "outputs": {"timeseries_period": "1ms"}
}
EOF
params=(--param 'supply.capacitance=10uF..1mF:log:6' --param 'seed=1,2')
declare -A secs cpu
for j in 1 2; do
  # bash's `time`: wall seconds, and user+sys CPU seconds of the sweep and its point processes.
  TIMEFORMAT='%R %U %S'
  read -r wall user sys < <({ time "$ehsim" sweep "$work/scenario.json" "${params[@]}" -j "$j" \
    --no-progress --out "$work/j$j" >/dev/null; } 2>&1)
  secs[$j]=$wall
  cpu[$j]=$(python3 -c "print($user + $sys)")
done
points=$(($(wc -l <"$work/j1/sweep.csv") - 1))
cmp -s "$work/j1/sweep.csv" "$work/j2/sweep.csv" && same=yes || same=NO
load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$points" "${secs[1]}" "${secs[2]}" "$same" "$duration" "${cpu[1]}" "${cpu[2]}" \
  "$load" "$(nproc)" <<'EOF'
import sys
n, s1, s2, same, duration = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
c1, c2, load, cores = float(sys.argv[6]), float(sys.argv[7]), sys.argv[8], sys.argv[9]
print(f"points: {n} ({duration} simulated each); {cores} cores, load average {load}")
print(f"-j 1: {s1:.2f} s wall, {c1:.2f} s CPU, {n / s1 * 60:.1f} points/min")
print(f"-j 2: {s2:.2f} s wall, {c2:.2f} s CPU, {n / s2 * 60:.1f} points/min "
      f"(CPU/wall {c2 / s2:.2f} cores busy)")
print(f"speedup -j 2 / -j 1: {s1 / s2:.2f}x; sweep.csv identical: {same}")
EOF
