/* FRAM space for the model blob. It is a symbol of its own so that the simulator (or a
 * programmer) can write any blob there (`ehsim exec --load model.fmlb@freeml_model`), and it lives
 * in a translation unit of its own so that no code sees its all-zero initialiser: the compiler
 * must not constant-fold reads of a blob that is replaced after linking.
 */
#include "freeml/engine.h"

__attribute__((section(".rodata.freeml_model"), aligned(2), used))
const uint8_t freeml_model[FML_MODEL_CAPACITY] = {0};
