// For the harnesses that link libsystemc (through ehsim_mcu): libsystemc's own main() refers to
// sc_main, but libFuzzer provides main(), so this definition only satisfies the linker and is
// never called.
extern "C" int sc_main(int, char**) {
  return 0;
}
