#!/usr/bin/env bash
# CPU benchmark: runs the compute-bound firmware bench_matmul.elf under `ehsim exec` and under
# mspdebug's simulator in one invocation and prints simulated speed for both.
#   usage: [EHSIM=path/to/ehsim] bench/bench_cpu.sh [BUILD_DIR]     (default: build)
# ehsim reports cycles and instructions in its JSON; mspdebug executes the same instructions
# (the firmware is built with -mhwmult=none), so its instructions/s uses ehsim's count.
set -euo pipefail

build_dir=${1:-build}
ehsim=${EHSIM:-"$build_dir/sim/ehsim"}  # EHSIM=path overrides the binary
elf="$build_dir/firmware/bench_matmul.elf"
for f in "$ehsim" "$elf"; do
  [[ -e $f ]] || { echo "bench_cpu.sh: $f not found (build the project first)" >&2; exit 2; }
done

now_s() { date +%s.%N; }
# CPU time (user + system) of one command, into the file $1; the command's stdout is kept. On a
# loaded machine the wall-clock ratio drifts with the other load; the CPU-time ratio much less.
cpu_time() {
  local out=$1
  shift
  if [[ -x /usr/bin/time ]]; then /usr/bin/time -f "%U %S" -o "$out" "$@"; else "$@"; fi
}
cpu_ehsim=$(mktemp) cpu_msp=$(mktemp)
trap 'rm -f "$cpu_ehsim" "$cpu_msp"' EXIT

t0=$(now_s)
json=$(cpu_time "$cpu_ehsim" "$ehsim" exec "$elf" --json --until done 2>/dev/null || true)  # status 1 = nonzero exit code
t1=$(now_s)
ehsim_s=$(python3 -c "print($t1 - $t0)")

read -r cycles instructions reason < <(python3 -c '
import json, sys
j = json.loads(sys.argv[1])
print(j["cycles"], j["instructions"], j["exit_reason"])' "$json")

mspdebug_s=""
if command -v mspdebug >/dev/null; then
  t0=$(now_s)
  cpu_time "$cpu_msp" mspdebug -n sim "prog $elf" "setbreak done" "run" >/dev/null 2>&1
  t1=$(now_s)
  mspdebug_s=$(python3 -c "print($t1 - $t0)")
  # Untimed second run with mspdebug's instruction tracer: confirms both simulators executed the
  # same instruction stream (the tracer slows mspdebug, so it is kept out of the timed run).
  msp_instructions=$(mspdebug -n sim "simio add tracer t" "prog $elf" "setbreak done" "run" \
    "simio info t" 2>&1 | sed -n 's/^Instruction count: *//p')
fi

python3 - "$cycles" "$instructions" "$reason" "$ehsim_s" "$mspdebug_s" "${msp_instructions:-}" \
  "$cpu_ehsim" "$cpu_msp" <<'PY'
import sys
cycles, instr, reason, ehsim_s, msp_s, msp_instr, cpu_ehsim, cpu_msp = sys.argv[1:]
def cpu_seconds(path):
    try:
        return sum(float(x) for x in open(path).read().split()[-2:])
    except (OSError, ValueError):
        return None
cpu_ehsim, cpu_msp = cpu_seconds(cpu_ehsim), cpu_seconds(cpu_msp)
cycles, instr, ehsim_s = int(cycles), int(instr), float(ehsim_s)
print(f"firmware            bench_matmul.elf (exit_reason {reason})")
if reason != "until":
    print("WARNING             ehsim did not stop at `done`: the counts include the code after it")
print(f"simulated cycles    {cycles}")
print(f"instructions        {instr}")
print(f"ehsim host time     {ehsim_s:.3f} s")
print(f"ehsim               {cycles / ehsim_s / 1e6:.1f} M cycles/s, {instr / ehsim_s / 1e6:.1f} M instructions/s")
if msp_s:
    msp_s = float(msp_s)
    print(f"mspdebug host time  {msp_s:.3f} s")
    print(f"mspdebug            {instr / msp_s / 1e6:.1f} M instructions/s")
    same = "same as ehsim" if msp_instr == str(instr) else "DIFFERS from ehsim"
    print(f"mspdebug tracer     {msp_instr or '?'} instructions ({same})")
    print(f"ratio               {msp_s / ehsim_s:.1f}x (ehsim vs mspdebug, same instructions)")
    if cpu_ehsim and cpu_msp:
        print(f"CPU time            ehsim {cpu_ehsim:.2f} s, mspdebug {cpu_msp:.2f} s "
              f"(user + system): ratio {cpu_msp / cpu_ehsim:.1f}x")
else:
    print("mspdebug            not installed: no comparison")
PY
