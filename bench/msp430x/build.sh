#!/usr/bin/env bash
# Assembles bench_msp430x.s with GNU msp430-elf-as/-ld (scripts/build-msp430-gnu) into
# BUILD_DIR/bench_msp430x.elf.   usage: bench/msp430x/build.sh [BUILD_DIR]  (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-build}
bin=${EHSIM_MSP430_GNU_BIN:-$HOME/.cache/ehsim/msp430-elf/bin}
"$bin/msp430-elf-as" -mcpu=430xv2 "$here/bench_msp430x.s" -o "$out/bench_msp430x.o"
"$bin/msp430-elf-ld" -n -T "$here/bench_msp430x.ld" -e start "$out/bench_msp430x.o" \
  -o "$out/bench_msp430x.elf"
echo "$out/bench_msp430x.elf"
