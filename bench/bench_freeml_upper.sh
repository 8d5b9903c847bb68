#!/usr/bin/env bash
# FreeML models in FRAM above 64 KB (issue 16, freeml/FORMAT.md "Storage"), at 8 MHz on
# continuous power, in one invocation:
#   1. the committed wide model (fashion-wide5, 170 KB) on freeml_infer_upper.elf, profiled
#      (exec --profile): cycles per inference, and the cycles of its far reads (the copies into the
#      stage: fml_far_copy with its DMA transfers, fml_stage_unit, fml_stage_tap, and the extra
#      fml_advance per step that finds a unit's last channel) per product of the model
#      (freeml-ref info's "products");
#   2. the peer: the committed fashion-cnn3 blob, which fits below 64 KB, run as it is on
#      freeml_infer.elf and with its storage byte set to upper (same units) on
#      freeml_infer_upper.elf: the ratio of their cycles per inference is what keeping a model
#      above 64 KB costs end to end.
#   usage: bench/bench_freeml_upper.sh [BUILD_DIR] [SAMPLES]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build_dir=$(realpath "${1:-build}")
samples=${2:-3}
ehsim="$build_dir/sim/ehsim"
ref="$build_dir/freeml/freeml-ref"
fw="$build_dir/firmware"
for f in "$ehsim" "$ref" "$fw/freeml_infer.elf" "$fw/freeml_infer_upper.elf"; do
  [[ -e $f ]] || { echo "bench_freeml_upper.sh: $f not found (build the project first)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
models="$root/freeml/models"

# The first $samples samples of the committed Fashion-MNIST test images; and fashion-cnn3 with
# storage 1 (byte 35) and its CRC recomputed, nothing else changed.
/usr/bin/python3 - "$models" "$out" "$samples" <<'PY'
import struct, sys, zlib
models, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = open(models + '/fashion-test-1000.fmls', 'rb').read()
count, words = struct.unpack_from('<IH', b, 8)
n = min(n, count)
head = bytearray(b[:16]); struct.pack_into('<I', head, 8, n)
data = b[16:16 + 2 * n * words]
labels = b[16 + 2 * count * words:16 + 2 * count * words + 2 * n]
open(out + '/samples.fmls', 'wb').write(bytes(head) + data + labels)
blob = bytearray(open(models + '/fashion-cnn3.fmlb', 'rb').read())
blob[35] = 1
struct.pack_into('<I', blob, 12, zlib.crc32(bytes(blob[16:])) & 0xFFFFFFFF)
open(out + '/cnn3-upper.fmlb', 'wb').write(bytes(blob))
PY

# profile ELF BLOB NAME: cycles per inference and the far-read cycles, from profile.json.
profile() {
  "$ehsim" exec "$1" --mclk 8MHz --load "$2@freeml_model" --samples "$out/samples.fmls" \
    --profile "$out/$3" > /dev/null
  /usr/bin/python3 - "$out/$3/profile.json" "$samples" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); n = int(sys.argv[2])
by = {f['function']: f['cycles'] for f in p['functions']}
advance_calls = next((f['calls'] for f in p['functions'] if f['function'] == 'fml_advance'), 0)
advance = by.get('fml_advance', 0)
# The upper engine calls fml_advance twice per unit (once for the stage), the lower once.
far = by.get('fml_far_copy', 0) + by.get('fml_stage_unit', 0) + by.get('fml_stage_tap', 0) + \
      (advance / 2 if 'fml_stage_unit' in by else 0) + by.get('__mspabi_mpyl_f5hw', 0)
print(p['totals']['cycles'] / n, far / n)
PY
}

read -r wide_cycles wide_far < <(profile "$fw/freeml_infer_upper.elf" "$models/fashion-wide5.fmlb" wide)
products=$("$ref" info "$models/fashion-wide5.fmlb" |
  awk '{for (i = 1; i < NF; ++i) if ($i == "products") s += $(i + 1)} END {print s}')
read -r lower_cycles _ < <(profile "$fw/freeml_infer.elf" "$models/fashion-cnn3.fmlb" cnn3-lower)
read -r upper_cycles upper_far < <(profile "$fw/freeml_infer_upper.elf" "$out/cnn3-upper.fmlb" cnn3-upper)

echo "samples per run: $samples (first Fashion-MNIST test images), 8 MHz, continuous power"
printf 'fashion-wide5 (upper): %.0f cycles per inference, %s products, far reads %.0f cycles = %.3f cycles per product (%.2f %% of the inference)\n' \
  "$wide_cycles" "$products" "$wide_far" "$(echo "$wide_far / $products" | bc -l)" \
  "$(echo "100 * $wide_far / $wide_cycles" | bc -l)"
printf 'fashion-cnn3: lower engine %.0f cycles per inference, upper engine %.0f (far reads %.0f), ratio upper/lower %.4f\n' \
  "$lower_cycles" "$upper_cycles" "$upper_far" "$(echo "$upper_cycles / $lower_cycles" | bc -l)"
