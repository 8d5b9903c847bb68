// The MSP430FR5994's boot from the rail turning on to the first instruction: how long it takes
// and the charge drawn meanwhile (McuConfig's defaults; freeml's charge budget reads them too).
#pragma once

namespace ehsim::mcu::power {

// Fused's measured MSP430FR5994 boot current trace (facts §3.7 [C]): 1.66 ms; ~0.05 mA for
// 0.38 ms, then ~0.65-1.0 mA, i.e. about 0.05 mA x 0.38 ms + 0.8 mA x 1.28 ms = 1.04 uC.
inline constexpr double kBootDelay_s = 1.66e-3;
inline constexpr double kBootCharge_C = 1.04e-6;

}  // namespace ehsim::mcu::power
