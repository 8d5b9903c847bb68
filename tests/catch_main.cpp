// The one Catch2 main for every test executable.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

// libsystemc.so's own main() refers to sc_main. Catch2 supplies the test executables' main(), so
// this definition is never called; it exists for the link of every executable that uses SystemC.
extern "C" int sc_main(int, char**) {
  return 0;
}
