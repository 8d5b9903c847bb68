# Sanitizer and fuzzing builds (scripts/sanitize, scripts/fuzz). Both use a separate build
# directory configured with clang, so the normal gcc build is unaffected:
#   CC=clang CXX=clang++ cmake -S . -B build-asan -DEHSIM_SANITIZE=ON [-DEHSIM_FUZZ=ON]
# EHSIM_SANITIZE builds every host target with AddressSanitizer and UndefinedBehaviorSanitizer;
# any UB report aborts the program. EHSIM_FUZZ (which implies it) adds the libFuzzer harnesses
# of fuzz/ (target ehsim_fuzzers).
option(EHSIM_SANITIZE "Build the host code with -fsanitize=address,undefined" OFF)
option(EHSIM_FUZZ "Build the libFuzzer harnesses in fuzz/ (clang only; implies EHSIM_SANITIZE)" OFF)
if(EHSIM_SANITIZE OR EHSIM_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  # As with gcc, a test executable that uses nothing of libsystemc (cpu, mem, periph) must not
  # pull it in: its main() refers to an sc_main that only SystemC programs define.
  add_link_options(-Wl,--as-needed)
endif()
