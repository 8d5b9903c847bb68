#!/usr/bin/env bash
# FreeML intermittent unit size (issue 16): the committed MNIST blob re-planned for a range of unit
# budgets (freeml-ref plan), and per budget, in the same invocation:
#   - on continuous power at 8 MHz: cycles per inference of the intermittent engine
#     (freeml_infer.elf), its overhead over the engine without commits
#     (freeml_infer_continuous.elf) running whole layers, the steps (commits) per inference, and
#     the cycles and energy spent in commit() itself (exec --profile);
#   - on harvested power (scenarios/experiments/capacitor-sweep.json, policy none): inferences per
#     hour and mean latency at 100 uF on rf-cart, and at 10 uF on rf-obstruction.
#   usage: bench/bench_freeml_units.sh [BUILD_DIR] [SAMPLES] [BUDGET_CYCLES ...]
#   Default budgets: 6000 8000, the 10/22/47/100 uF budgets, and whole layers.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build_dir=$(realpath "${1:-build}")
samples=${2:-5}
shift $(($# > 2 ? 2 : $#))
ehsim="$build_dir/sim/ehsim"
ref="$build_dir/freeml/freeml-ref"
fw="$build_dir/firmware"
for f in "$ehsim" "$ref" "$fw/freeml_infer.elf" "$fw/freeml_infer_continuous.elf"; do
  [[ -e $f ]] || { echo "bench_freeml_units.sh: $f not found (build the project first)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
model="$root/freeml/models/mnist-lenet.fmlb"
all_samples="$root/freeml/models/mnist-test-1000.fmls"

# The first $samples samples only, so that exec ends after them.
/usr/bin/python3 - "$all_samples" "$out/samples.fmls" "$samples" <<'PY'
import struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = open(src, 'rb').read()
count, words = struct.unpack_from('<IH', b, 8)
n = min(n, count)
head = bytearray(b[:16]); struct.pack_into('<I', head, 8, n)
data = b[16:16 + 2 * n * words]
labels = b[16 + 2 * count * words:16 + 2 * count * words + 2 * n]
open(dst, 'wb').write(bytes(head) + data + labels)
PY

budgets=("$@")
if ((${#budgets[@]} == 0)); then
  budgets=(6000 8000)
  for c in 10uF 22uF 47uF 100uF; do
    budgets+=("$("$ref" units "$model" --capacitor "$c" | awk '/^budget/ {print $2}')")
  done
  budgets+=(whole)
fi

run_scenario() {  # blob trace capacitance name
  /usr/bin/python3 - "$root" "$1" "$2" "$3" "$out/$4.json" "$fw/freeml_infer.elf" <<'PY'
import json, sys
root, blob, trace, cap, dst, elf = sys.argv[1:]
s = json.load(open(f'{root}/scenarios/experiments/capacitor-sweep.json'))
s['trace_dir'] = f'{root}/traces/recorded'
s['firmware'] = elf
s['harvester']['trace']['file'] = trace
s['supply']['capacitance'] = cap
s['inference'].update(model=blob, samples=f'{root}/freeml/models/mnist-test-1000.fmls',
                      policy='none')
s['outputs'] = {'timeseries_period': '0'}
json.dump(s, open(dst, 'w'))
PY
  "$ehsim" run "$out/$4.json" --out "$out/run-$4" --no-progress >/dev/null
  /usr/bin/python3 -c "
import json,sys; i=json.load(open('$out/run-$4/summary.json'))['inference']
print(f\"{i['inferences_per_hour']:.0f}/h {i['mean_latency_s'] or 0:.2f} s\")"
}

profile() {  # ELF BLOB DIR
  rm -rf "$3"
  "$ehsim" exec "$1" --mclk 8MHz --load "$2@freeml_model" --samples "$out/samples.fmls" \
    --profile "$3" >/dev/null
}
# The baseline: whole layers, no commits.
"$ref" plan "$model" "$out/whole.fmlb" --unit-budget-cycles 65535000 >/dev/null
profile "$fw/freeml_infer_continuous.elf" "$out/whole.fmlb" "$out/prof-base"

echo "| unit budget (cycles) | steps per inference | cycles per inference | overhead over whole layers without commits | in commit() | energy in commit() | 100 uF rf-cart: inferences/h, mean latency | 10 uF rf-obstruction |"
echo "|---|---|---|---|---|---|---|---|"
for budget in "${budgets[@]}"; do
  blob="$out/units-$budget.fmlb"
  if [[ $budget == whole ]]; then
    "$ref" plan "$model" "$blob" --unit-budget-cycles 65535000 >/dev/null
  elif ! "$ref" plan "$model" "$blob" --unit-budget-cycles "$budget" >/dev/null 2>"$out/err"; then
    echo "| $budget | $(cat "$out/err") |"
    continue
  fi
  steps=$("$ref" units "$blob" | grep -c -e '^unit' -e '^tap part' -e '^fetch')
  profile "$fw/freeml_infer.elf" "$blob" "$out/prof"
  costs=$(/usr/bin/python3 - "$out/prof/profile.json" "$out/prof-base/profile.json" "$samples" <<'PY'
import json, sys
inter, base = (json.load(open(f)) for f in sys.argv[1:3])
n = int(sys.argv[3])
ci, cb = inter['totals']['cycles'] / n, base['totals']['cycles'] / n
commit = [f for f in inter['functions'] if f['function'] == 'commit']
c_cyc = sum(f['cycles'] for f in commit) / n
c_e = sum(f['energy_J'] for f in commit) / n
print(f"{ci:,.0f} | {ci - cb:+,.0f} ({100 * (ci - cb) / cb:+.1f} %) | {c_cyc:,.0f} cycles | "
      f"{c_e * 1e6:.2f} uJ")
PY
)
  big=$(run_scenario "$blob" rf-cart.trace 100uF "cart-$budget")
  small=$(run_scenario "$blob" rf-obstruction.trace 10uF "obs-$budget")
  label=$budget
  [[ $budget == whole ]] && label="whole layers ($("$ref" units "$blob" | sed -n 's/.*cycles \([0-9]*\).*/\1/p' | sort -n | tail -1) largest)"
  echo "| $label | $steps | $costs | $big | $small |"
done
