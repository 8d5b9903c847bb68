/* FreeML inference app: runs the model blob stored at `freeml_model` on every sample host_io
 * offers and reports each result through host_io markers (freeml/FORMAT.md "host_io protocol"),
 * resuming after power failures from the last committed unit. Built from the engine sources by
 * freeml/firmware/CMakeLists.txt.
 *
 *   ehsim exec build/firmware/freeml_infer.elf --load model.fmlb@freeml_model \
 *       --samples inputs.fmls --json
 */
#include "freeml/engine.h"

int main(void) {
  return fml_run();
}
