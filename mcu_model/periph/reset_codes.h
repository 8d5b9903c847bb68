// SYSRSTIV values of the reset causes the model produces (TI msp430fr5994.h SYSRSTIV__*;
// facts §3.3). The SYS module reports the lowest non-zero pending value first.
#pragma once

#include <cstdint>

namespace ehsim::mcu {

inline constexpr uint16_t kRstBor = 0x02;            // SYSRSTIV__BOR
inline constexpr uint16_t kRstPmmSwBor = 0x06;       // SYSRSTIV__DOBOR (PMMSWBOR)
inline constexpr uint16_t kRstPmmSwPor = 0x14;       // SYSRSTIV__DOPOR (PMMSWPOR)
inline constexpr uint16_t kRstWdtTimeout = 0x16;     // SYSRSTIV__WDTTO
inline constexpr uint16_t kRstWdtPassword = 0x18;    // SYSRSTIV__WDTKEY
inline constexpr uint16_t kRstFrctlPassword = 0x1A;  // SYSRSTIV__FRCTLPW
inline constexpr uint16_t kRstPeriphFetch = 0x1E;    // SYSRSTIV__PERF (fetch from peripheral area)
inline constexpr uint16_t kRstPmmPassword = 0x20;    // SYSRSTIV__PMMPW
inline constexpr uint16_t kRstCsPassword = 0x24;     // SYSRSTIV__CSPW (facts §3.3)

}  // namespace ehsim::mcu
