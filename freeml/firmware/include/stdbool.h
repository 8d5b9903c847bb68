/* Freestanding <stdbool.h> (see stdint.h for why the project supplies it). */
#ifndef EHSIM_FW_STDBOOL_H
#define EHSIM_FW_STDBOOL_H

#define bool _Bool
#define true 1
#define false 0

#endif
