# Shared by scripts/build-msp430-gnu and scripts/build-msp430-gcc (sourced, not run): the cache
# prefix, error exit and the per-component stamp files that make both scripts idempotent.
# A stamp ($PREFIX/stamps/NAME) holds two lines, the source version and the configure flags, and
# then the build time; a component is rebuilt only when those two lines change or one of its
# installed binaries is gone.
PREFIX="${EHSIM_MSP430_GNU_DIR:-$HOME/.cache/ehsim/msp430-elf}"
WORK="$PREFIX.build"
JOBS="$(nproc)"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

die() {
  echo "$(basename "$0"): error: $*" >&2
  exit 1
}

# stamp_is_current NAME SOURCE FLAGS BINARIES...: true when NAME was built from SOURCE with FLAGS
# and all its BINARIES ($PREFIX/bin/...) are there.
stamp_is_current() {
  local name="$1" want="source=$2"$'\n'"configure=$3" have="" b
  shift 3
  if [[ -f "$PREFIX/stamps/$name" ]]; then have="$(head -n 2 "$PREFIX/stamps/$name")"; fi
  [[ "$have" == "$want" ]] || return 1
  for b in "$@"; do [[ -x "$PREFIX/bin/$b" ]] || return 1; done
}

# stamp_write NAME SOURCE FLAGS SECONDS
stamp_write() {
  mkdir -p "$PREFIX/stamps"
  printf 'source=%s\nconfigure=%s\nbuild_seconds=%d jobs=%d\n' "$2" "$3" "$4" "$JOBS" \
    >"$PREFIX/stamps/$1"
}

# run_logged LOG DIR COMMAND...: runs COMMAND in DIR with its output in LOG, and dies naming
# that log when it fails (a build's output is long; only a failure needs it).
run_logged() {
  local log="$1" dir="$2"
  shift 2
  (cd "$dir" && "$@") >"$log" 2>&1 || die "$* failed (see $log)"
}
