#!/usr/bin/env bash
# Host instructions per simulated instruction for loops of one instruction kind (bench/RESULTS.md
# "## CPU: MSP430X", the loop-body table): after the WDT write and `mova #0x3C00,sp`, eight copies
# of the body and a JMP (PUSHM.A/POPM.A: four pairs), assembled with GNU msp430-elf-as/-ld
# (scripts/build-msp430-gnu) and measured by bench_cpu_host_instructions.sh (cachegrind).
#   usage: [EHSIM=path/to/ehsim] bench/msp430x/loops.sh [BUILD_DIR]  (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build_dir=${1:-build}
bin=${EHSIM_MSP430_GNU_BIN:-$HOME/.cache/ehsim/msp430-elf/bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bodies=("add.w r10,r14" "mova r10,r11" "adda #4,r11" "addx.a r10,r14" "pushm.a #2,r10 / popm.a #2,r10")
for i in "${!bodies[@]}"; do
  body=${bodies[$i]}
  {
    printf '  .text\n  .global start\nstart:\n  mov.w #0x5A80, &0x015C\n  mova #0x3C00, sp\nloop:\n'
    if [[ $body == pushm* ]]; then
      for _ in 1 2 3 4; do printf '  pushm.a #2, r10\n  popm.a #2, r10\n'; done
    else
      for _ in 1 2 3 4 5 6 7 8; do printf '  %s\n' "$body"; done
    fi
    printf '  jmp loop\n  .section .resetvec, "a"\n  .word start\n'
  } >"$work/loop$i.s"
  "$bin/msp430-elf-as" -mcpu=430xv2 "$work/loop$i.s" -o "$work/loop$i.o"
  "$bin/msp430-elf-ld" -n -T "$here/bench_msp430x.ld" -e start "$work/loop$i.o" -o "$work/loop$i.elf"
  per=$(ELF="$work/loop$i.elf" "$here/../bench_cpu_host_instructions.sh" "$build_dir" |
    sed -n 's/^host per MSP430 instruction *//p')
  printf '%-34s %s\n' "$body" "$per"
done
