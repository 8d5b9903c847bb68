/* Freestanding <stddef.h> (see stdint.h for why the project supplies it). */
#ifndef EHSIM_FW_STDDEF_H
#define EHSIM_FW_STDDEF_H

typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
#define NULL ((void*)0)
#define offsetof(type, member) __builtin_offsetof(type, member)

#endif
