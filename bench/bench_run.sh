#!/usr/bin/env bash
# End-to-end benchmark of `ehsim run` (issue 4): the checkpointing CRC demo under the recorded
# rf-cart trace with a 100 uF capacitor, at 8 and 16 MHz, energy model on. The peer, in the same
# invocation, is `ehsim exec` of the same ELF on continuous power (the interpreter alone), so the
# ratio shows what the supply, the power-failure handling and the recorders cost.
#   usage: bench/bench_run.sh [BUILD_DIR] [REPEATS]     (defaults: build, 5; best run is kept)
#   EHSIM_TRACE_DIR overrides traces/recorded.
set -euo pipefail

build_dir=${1:-build}
repeats=${2:-5}
ehsim="$build_dir/sim/ehsim"
elf="$build_dir/firmware/checksum_ckpt.elf"
scenario="$(dirname "$0")/../scenarios/checksum-rf-cart.json"
trace_dir=$(realpath "${EHSIM_TRACE_DIR:-"$(dirname "$0")/../traces/recorded"}")
for f in "$ehsim" "$elf" "$scenario"; do
  [[ -e $f ]] || { echo "bench_run.sh: $f not found (build the project first)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

now_s() { date +%s.%N; }

for mclk in 8MHz 16MHz; do
  best_run=""
  best_exec=""
  for ((i = 0; i < repeats; ++i)); do
    "$ehsim" run "$scenario" --out "$out/run-$mclk" --no-progress --set "trace_dir=$trace_dir" \
      --set "device.mclk=$mclk" >/dev/null
    host_s=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["host_seconds"])' \
      "$out/run-$mclk/host.json")
    if [[ -z $best_run ]] || /usr/bin/python3 -c "import sys; sys.exit(not $host_s < $best_run)"; then
      best_run=$host_s
      cp "$out/run-$mclk/host.json" "$out/best-run-$mclk.json"
    fi
    t0=$(now_s)
    "$ehsim" exec "$elf" --mclk "$mclk" --json >"$out/exec-$mclk.json" || true
    t1=$(now_s)
    exec_s=$(/usr/bin/python3 -c "print($t1 - $t0)")
    if [[ -z $best_exec ]] || /usr/bin/python3 -c "import sys; sys.exit(not $exec_s < $best_exec)"; then
      best_exec=$exec_s
    fi
  done
  /usr/bin/python3 - "$mclk" "$out/run-$mclk/summary.json" "$out/best-run-$mclk.json" \
    "$out/exec-$mclk.json" "$best_exec" <<'PY'
import json, sys
mclk, summary_f, host_f, exec_f, exec_s = sys.argv[1:]
s, h, e = (json.load(open(f)) for f in (summary_f, host_f, exec_f))
exec_s = float(exec_s)
cycles, instr = s["mcu"]["cycles"], s["mcu"]["instructions"]
print(f"== ehsim run checksum-rf-cart, 100 uF, {mclk} ==")
print(f"end                 {s['end']['reason']} at {s['time']['simulated_s']:.3f} s simulated, "
      f"{s['power']['boots']} boots, {s['power']['power_failures']} power failures")
print(f"cycles/instructions {cycles} / {instr}")
print(f"host time           {h['host_seconds']:.3f} s (best of runs)")
print(f"simulated s/host s  {h['realtime_factor']:.1f}")
print(f"overall             {cycles / h['host_seconds'] / 1e6:.1f} M cycles/s, "
      f"{instr / h['host_seconds'] / 1e6:.1f} M instructions/s")
print(f"while powered       {h['cycles_per_host_second_while_powered'] / 1e6:.1f} M cycles/s "
      f"({h['host_powered_seconds']:.3f} s host)")
print(f"outside interpreter {100 * h['host_fraction_outside_interpreter']:.1f} % of host time")
print(f"peer: ehsim exec    {e['cycles']} cycles in {exec_s:.3f} s = {e['cycles'] / exec_s / 1e6:.1f} M cycles/s "
      f"(continuous power, same ELF, process start included)")
print(f"ratio run/exec      {(cycles / h['host_seconds']) / (e['cycles'] / exec_s):.2f} (cycles/s)")
PY
done
