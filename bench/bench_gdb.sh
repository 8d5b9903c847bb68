#!/usr/bin/env bash
# The cost of an attached GDB that only continues (issue 14: at most 10 % more host time): the
# same firmware (default: the checkpointing CRC demo, 14.3 M instructions) run by `ehsim exec`
# alone and by `ehsim exec --gdb 0` with msp430-elf-gdb doing `target remote` and `continue`,
# both counted by cachegrind (host instructions: this VM's timings are too noisy). Prints both
# counts and their ratio. Usage: bench/bench_gdb.sh BUILD_DIR [FIRMWARE]
set -euo pipefail
build=${1:?usage: bench/bench_gdb.sh BUILD_DIR [FIRMWARE]}
fw=${2:-$build/firmware/checksum_ckpt.elf}
ehsim=$build/sim/ehsim
gdb=${EHSIM_MSP430_GNU_BIN:-$HOME/.cache/ehsim/msp430-elf/bin}/msp430-elf-gdb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count() { sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$1" | tr -d ,; }
valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
  "$ehsim" exec "$fw" > /dev/null 2> "$work/plain.err" || true
valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
  "$ehsim" exec "$fw" --gdb 0 > /dev/null 2> "$work/gdb.err" &
pid=$!
for _ in $(seq 600); do grep -q 'waiting for GDB' "$work/gdb.err" && break; sleep 0.05; done
port=$(sed -n 's/.*waiting for GDB on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/gdb.err")
"$gdb" -batch -nx -ex "target remote 127.0.0.1:$port" -ex continue "$fw" > "$work/gdb.out" 2>&1
wait "$pid" || true
plain=$(count "$work/plain.err")
attached=$(count "$work/gdb.err")
echo "host instructions, exec alone:          $plain"
echo "host instructions, exec --gdb, continue: $attached"
echo "ratio: $(echo "scale=5; $attached / $plain" | bc)"
