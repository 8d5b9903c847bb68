#!/usr/bin/env bash
# FreeML engine benchmark (issue 5): per model, at 8 and 16 MHz, the cycles to each exit point
# (every tapped layer and the final layer) and energy per inference, the firmware's FRAM and
# SRAM footprint, and the checkpoint overhead: the intermittent engine (freeml_infer.elf) against
# the same engine without intermittent support (freeml_infer_continuous.elf), both on continuous
# power in the same invocation.
#   usage: bench/bench_freeml.sh [BUILD_DIR] [SAMPLES] [MODEL.fmlb:SAMPLES.fmls ...]
#   Default models: every freeml/models/*.fmlb with the .fmls of its dataset, else a generated
#   mixed test model (freeml-ref gen mixed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build_dir=$(realpath "${1:-build}")
samples=${2:-10}
shift $(($# > 2 ? 2 : $#))
ehsim="$build_dir/sim/ehsim"
ref="$build_dir/freeml/freeml-ref"
fw="$build_dir/firmware"
for f in "$ehsim" "$ref" "$fw/freeml_infer.elf" "$fw/freeml_infer_continuous.elf"; do
  [[ -e $f ]] || { echo "bench_freeml.sh: $f not found (build the project first)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

models=("$@")
if ((${#models[@]} == 0)); then
  # A model's samples share its dataset prefix: mnist-lenet.fmlb with mnist-test-1000.fmls.
  for m in "$here"/../freeml/models/*.fmlb; do
    [[ -e $m ]] || continue
    dataset=$(basename "$m" | cut -d- -f1)
    for s in "$here/../freeml/models/$dataset"-*.fmls; do
      [[ -e $s ]] && models+=("$m:$s") && break
    done
  done
fi
if ((${#models[@]} == 0)); then
  "$ref" gen mixed 42 "$samples" "$out/mixed.fmlb" "$out/mixed.fmls" >/dev/null
  models=("$out/mixed.fmlb:$out/mixed.fmls")
fi

echo "footprint (build): $(head -1 "$fw/freeml_infer.footprint.txt" 2>/dev/null || echo 'not built')"
# Plenty of power: the run never fails, so energy per inference is the firmware's alone.
printf 'time_s,power_W\n0,0.05\n1000,0.05\n' >"$out/constant.csv"

for pair in "${models[@]}"; do
  model=${pair%%:*}
  sample_file=${pair#*:}
  echo "== $(basename "$model") ($("$ref" info "$model" | head -1)) =="
  for mclk in 8MHz 16MHz; do
    for variant in freeml_infer freeml_infer_continuous; do
      "$ehsim" exec "$fw/$variant.elf" --mclk "$mclk" --load "$model@freeml_model" \
        --samples "$sample_file" --json --max-cycles 4000000000 >"$out/$variant-$mclk.json" || true
    done
    cat >"$out/energy-$mclk.json" <<JSON
{"name": "bench-energy", "firmware": "$fw/freeml_infer.elf", "device": {"mclk": "$mclk"},
 "harvester": {"type": "direct", "trace": {"file": "$out/constant.csv"}},
 "supply": {"capacitance": "1mF", "v_on": "3.0V", "v_off": "1.8V", "rated_voltage": "3.3V",
            "converter": {"type": "ldo", "output_voltage": "3.0V"}},
 "run": {"duration": "1000s"}, "outputs": {"timeseries_period": "0"},
 "inference": {"model": "$model", "samples": "$sample_file", "count": $samples, "policy": "none"}}
JSON
    "$ehsim" run "$out/energy-$mclk.json" --out "$out/run-$mclk" --no-progress >/dev/null
    /usr/bin/python3 - "$mclk" "$samples" "$out/freeml_infer-$mclk.json" \
      "$out/freeml_infer_continuous-$mclk.json" "$out/run-$mclk/summary.json" <<'PY'
import json, sys
mclk, n, inter_f, cont_f, run_f = sys.argv[1:]
n = int(n)
inter, cont, run = (json.load(open(f)) for f in (inter_f, cont_f, run_f))

def per_inference(report):
    """Cycles from START to each LAYER marker, averaged over the first n samples."""
    start = None
    layers, totals, count = {}, [], 0
    for m in report["markers"]:
        if m["id"] == 0x51:
            start = m["cycle"]
        elif m["id"] == 0x52 and start is not None:
            layers.setdefault(m["arg"], []).append(m["cycle"] - start)
        elif m["id"] == 0x59 and start is not None:
            totals.append(m["cycle"] - start)
            start = None
            count += 1
            if count == n:
                break
    return {k: sum(v) / len(v) for k, v in layers.items()}, sum(totals) / max(len(totals), 1), count

li, ti, ni = per_inference(inter)
lc, tc, nc = per_inference(cont)
inf = run["inference"]
e_J = run["energy"]["mcu_consumed_J"] / max(inf["completed"], 1)
print(f"-- {mclk}: {ni} inferences (intermittent), {nc} (continuous) --")
print(f"cycles per inference  intermittent {ti:,.0f}   continuous {tc:,.0f}   "
      f"checkpoint overhead {100 * (ti - tc) / ti:.1f} % of cycles")
print(f"energy per inference  {e_J * 1e6:.1f} uJ at 3.0 V (policy none, {inf['completed']} runs)")
print("exit point (layer)    cycles to exit   energy to exit (pro rata)")
last = max(li) if li else 0
for layer in sorted(li):
    print(f"  layer {layer:3d}          {li[layer]:12,.0f}   {e_J * li[layer] / ti * 1e6:8.1f} uJ"
          + ("   (final)" if layer == last else ""))
PY
  done
done
