#!/usr/bin/env bash
# Host instructions per simulated MSP430 instruction of the interpreter on bench_matmul.elf,
# counted by valgrind's cachegrind: deterministic, so it can compare two binaries where wall-clock
# timings on a shared or virtual machine drift too much (bench/RESULTS.md "## CPU").
#   usage: [EHSIM=path/to/ehsim] [ELF=firmware.elf] bench/bench_cpu_host_instructions.sh [BUILD_DIR]
#   (default: build; ELF defaults to BUILD_DIR/firmware/bench_matmul.elf, e.g. ELF=build/
#   bench_msp430x.elf from bench/msp430x/build.sh measures MSP430X code)
# Two runs (10 M and 40 M simulated cycles) are subtracted, so start-up (ELF load, dispatch table)
# cancels out. Needs valgrind (Debian package valgrind); takes about ten seconds.
set -euo pipefail

build_dir=${1:-build}
ehsim=${EHSIM:-"$build_dir/sim/ehsim"}
elf=${ELF:-"$build_dir/firmware/bench_matmul.elf"}
for f in "$ehsim" "$elf"; do
  [[ -e $f ]] || { echo "bench_cpu_host_instructions.sh: $f not found (build the project first)" >&2; exit 2; }
done
command -v valgrind >/dev/null || {
  echo "bench_cpu_host_instructions.sh: valgrind not installed (apt-get install valgrind)" >&2
  exit 2
}

# Prints "<simulated instructions> <host instructions>" for a run of $1 simulated cycles.
count() {
  local log
  log=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$ehsim" exec "$elf" --max-cycles "$1" --json 2>&1)
  local sim host
  sim=$(grep -o '"instructions":[0-9]*' <<<"$log" | head -1 | cut -d: -f2)
  host=$(sed -n 's/.*I *refs: *//p' <<<"$log" | tr -d ',')
  [[ -n $sim && -n $host ]] || { echo "bench_cpu_host_instructions.sh: no counts from valgrind" >&2; exit 1; }
  echo "$sim $host"
}

read -r sim_short host_short < <(count 10000000)
read -r sim_long host_long < <(count 40000000)
python3 - "$sim_short" "$host_short" "$sim_long" "$host_long" "$ehsim" <<'PY'
import sys
s1, h1, s2, h2 = (int(x) for x in sys.argv[1:5])
print(f"binary                        {sys.argv[5]}")
print(f"simulated instructions        {s2 - s1} (between 10 M and 40 M cycles)")
print(f"host instructions             {h2 - h1}")
print(f"host per MSP430 instruction   {(h2 - h1) / (s2 - s1):.1f}")
PY
