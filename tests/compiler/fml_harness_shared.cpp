// The FreeML firmware harness of tests/freeml (ehsim exec + host_io marker parsing), compiled
// into this folder's test executable too, so both folders read the firmware the same way.
#include "../freeml/fml_harness.cpp"
