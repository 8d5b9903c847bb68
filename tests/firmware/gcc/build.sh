#!/usr/bin/env bash
# Rebuilds the committed GCC fixtures of this folder (issue 13; README.md here). Needs GCC 12 for
# msp430-elf from scripts/build-msp430-gcc (not run by CI: the ELF files are committed). Every
# program is built twice: NAME.small.elf (default 430X small model) and NAME.large.elf (large
# model, code and data in upper FRAM above 0x10000).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${EHSIM_MSP430_GNU_DIR:-$HOME/.cache/ehsim/msp430-elf}/bin"
cc="$bin/msp430-elf-gcc"
[[ -x "$cc" ]] || { echo "build.sh: no $cc (run scripts/build-msp430-gcc)" >&2; exit 1; }
common=(-mmcu=msp430fr5994 -O2 -std=c11 -Wall -Wextra -Werror -T "$here/msp430fr5994-ehsim.ld" -Wl,--no-warn-rwx-segments)
small=()
large=(-mlarge -mcode-region=upper -mdata-region=lower)
cd "$here"
for src in sort.c crc.c arith.c recurse.c dispatch.c; do
  name="${src%.c}"
  "$cc" "${common[@]}" "${small[@]}" "$src" -o "$name.small.elf"
  "$cc" "${common[@]}" "${large[@]}" "$src" -o "$name.large.elf"
done
# Debug sections of newlib/libgloss carry build paths; strip them for reproducible, small files.
"$bin/msp430-elf-strip" --strip-debug ./*.elf
