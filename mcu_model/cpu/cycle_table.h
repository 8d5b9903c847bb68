// Every MCLK cycle count the CPU charges, in one place. Source: the CPUXV2 tables of the MSP430
// user guides for MSP430 (16-bit) instructions — SLAU367 (FR58xx/59xx/6xx, the FR5994's guide)
// re-uses the CPUX chapter whose table bodies are transcribed from SLAU445I (same numbering):
// Table 4-8 (interrupt, return), Table 4-9 (Format II), Table 4-10 (Format I); jumps from
// SLAU445 4.5.1.5.2. See facts §1.2–1.5. All counts assume
// zero-wait-state memory; the bus adds FRAM wait states on cache misses.
#pragma once

#include <cstdint>

namespace ehsim::mcu::cycles {

// SLAU445 Table 4-8.
inline constexpr uint8_t kInterruptAccept = 6;  // "Interrupt request service"
inline constexpr uint8_t kReti = 5;             // RETI
// SLAU445 4.5.1.5.2: all jumps take 2 cycles, taken or not.
inline constexpr uint8_t kJump = 2;

// Source operand classes. Constant-generator sources (R3 any As, R2 As=10/11) fetch no operand
// word and are timed as register sources (facts §1.5: no CG row in Table 4-10; the old CPU's
// text counts "short immediate constants" as register operands).
enum SrcClass : uint8_t { kSrcReg, kSrcInd, kSrcIndInc, kSrcImm, kSrcIdx, kSrcClasses };
// Destination classes of Format I.
enum DstClass : uint8_t { kDstReg, kDstPc, kDstMem, kDstClasses };

// SLAU445 Table 4-10 (Format I). Rows: Rn, @Rn, @Rn+, #N, X(Rn)/EDE/&EDE. Columns: Rm, PC,
// X(Rm)/EDE/&EDE. Footnote [1]: MOV, BIT and CMP take one cycle less with a memory destination
// (kFormat1MemDstNoWriteback).
inline constexpr uint8_t kFormat1[kSrcClasses][kDstClasses] = {
    {1, 3, 4},  // Rn
    {2, 4, 5},  // @Rn
    {2, 4, 5},  // @Rn+
    {2, 3, 5},  // #N
    {3, 5, 6},  // X(Rn), EDE, &EDE
};
inline constexpr uint8_t kFormat1MemDstNoWriteback = 1;  // Table 4-10 footnote [1]

// Format II operand classes; symbolic (EDE) is timed like X(Rn), absolute (&EDE) has its own row.
enum F2Class : uint8_t { kF2Reg, kF2Ind, kF2IndInc, kF2Imm, kF2Idx, kF2Abs, kF2Classes };
enum F2Op : uint8_t { kF2Shift, kF2Push, kF2Call, kF2Ops };  // RRA/RRC/SWPB/SXT, PUSH, CALL

// SLAU445 Table 4-9 (Format II). Rows: Rn, @Rn, @Rn+, #N, X(Rn)/EDE, &EDE. "#N" for
// RRA/RRC/SWPB/SXT is n/a in the table; such an opcode is timed like @Rn+ (same bus activity).
inline constexpr uint8_t kFormat2[kF2Classes][kF2Ops] = {
    {1, 3, 4},  // Rn
    {3, 3, 4},  // @Rn
    {3, 3, 4},  // @Rn+
    {3, 3, 4},  // #N (RRx/SWPB/SXT n/a: @Rn+ timing)
    {4, 4, 5},  // X(Rn), EDE
    {4, 4, 6},  // &EDE
};

}  // namespace ehsim::mcu::cycles
