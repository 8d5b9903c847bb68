// Every MCLK cycle count the CPU charges, in one place. Source: the CPUXV2 tables of the MSP430
// user guides, for MSP430 (16-bit) instructions — SLAU367 (FR58xx/59xx/6xx, the FR5994's guide)
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

// ---- MSP430X instructions: SLAU367 Tables 4-17, 4-18 and 4-19 (titles below). As for the tables
// above, the bodies are transcribed from SLAU445I's tables of the same numbers and titles, the same
// CPUXV2 core (facts §1.1). Lengths are not needed: the handlers fetch the words they decode.

// Table 4-17 "MSP430X Format II Instruction Cycles and Length", operand columns.
enum XF2Class : uint8_t {
  kXF2Reg,
  kXF2Ind,
  kXF2IndInc,
  kXF2Imm,
  kXF2Idx,
  kXF2Sym,
  kXF2Abs,
  kXF2Classes
};
// Rows RRAM, RRCM, RRUM, RLAM: "n" (the shift count, 1-4) cycles, Rn column only.
// Rows PUSHM / POPM: 2 + n; PUSHM.A / POPM.A: 2 + 2n (n registers).
inline constexpr uint8_t kPushmPopmBase = 2;
// Row CALLA. Footnote [1]: one cycle more for X(Rn) when Rn = SP (the caller adds it).
inline constexpr uint8_t kXCalla[kXF2Classes] = {5, 6, 6, 5, 5, 7, 7};
// Rows PUSHX(.B) and PUSHX.A: [class][0 = .B/.W, 1 = .A]. Footnote [1] as for CALLA.
inline constexpr uint8_t kXPushx[kXF2Classes][2] = {
    {4, 5},  // Rn
    {4, 6},  // @Rn
    {4, 6},  // @Rn+
    {4, 5},  // #N
    {5, 7},  // X(Rn)
    {5, 7},  // EDE
    {5, 7},  // &EDE
};
// Rows RRAX(.B)/RRAX.A and RRCX(.B)/RRCX.A (also used for RRUX, SWPBX and SXTX, which have no row
// of their own): [class][.B/.W, .A]. The Rn column is "1 + n" for n repetitions (computed by the
// CPU; the entry here is n = 1); #N is n/a and timed like @Rn+ (as kFormat2 does).
inline constexpr uint8_t kXShift[kXF2Classes][2] = {
    {2, 2},  // Rn: 1 + n with n = 1
    {4, 6},  // @Rn
    {4, 6},  // @Rn+
    {4, 6},  // #N (n/a: @Rn+ timing)
    {5, 7},  // X(Rn)
    {5, 7},  // EDE
    {5, 7},  // &EDE
};
// Rows POPX(.B) / POPX.A are MOVX @SP+,dst and come out of Table 4-18 below (Rn 3/4, X(Rn), EDE,
// &EDE 5/7 with footnotes [2]/[3]).

// Table 4-18 "MSP430X Format I Instruction Cycles and Length": [source][destination][0 = .B/.W,
// 1 = .A]. Sources: Rn, @Rn, @Rn+, #N, and X(Rn)/EDE/&EDE (identical rows); destinations: Rm, PC,
// and X(Rm)/EDE/&EDE (identical columns). Constant-generator sources are timed as Rn (as for
// kFormat1). Footnote [1]: a repeated Rn->Rm instruction takes n + 1 cycles (the CPU computes it).
enum XSrcClass : uint8_t { kXSrcReg, kXSrcInd, kXSrcIndInc, kXSrcImm, kXSrcMem, kXSrcClasses };
enum XDstClass : uint8_t { kXDstReg, kXDstPc, kXDstMem, kXDstClasses };
inline constexpr uint8_t kXFormat1[kXSrcClasses][kXDstClasses][2] = {
    {{2, 2}, {4, 4}, {5, 7}},   // Rn
    {{3, 4}, {5, 6}, {6, 9}},   // @Rn
    {{3, 4}, {5, 6}, {6, 9}},   // @Rn+
    {{3, 3}, {4, 4}, {6, 8}},   // #N
    {{4, 5}, {6, 7}, {7, 10}},  // X(Rn), EDE, &EDE
};
// Footnote [2]: MOV, BIT and CMP take one cycle less (.B/.W) with a memory destination; [3]: two
// less (.A).
inline constexpr uint8_t kXFormat1MemDstNoWriteback = 1;
inline constexpr uint8_t kXFormat1MemDstNoWritebackA = 2;
// Footnote [4] (rows #N, X(Rn), EDE, &EDE with destination PC): one cycle less for MOV, ADD, SUB.
inline constexpr uint8_t kXFormat1PcDstFast = 1;

// Table 4-19 "Address Instruction Cycles and Length": [form][0 = Rdst, 1 = PC]. RETA is MOVA
// @SP+,PC and BRA is MOVA with destination PC.
enum AddressForm : uint8_t {
  kAMovaReg,       // MOVA Rsrc,Rdst           "Rn Rn" 1, "Rn PC" 3
  kAMovaRegToMem,  // MOVA Rsrc,x(Rdst)/&abs20 "Rn x(Rm)/EDE/&EDE" 4
  kAMovaInd,       // MOVA @Rsrc,Rdst          "@Rn Rm" 3, "@Rn PC" 5
  kAMovaIndInc,    // MOVA @Rsrc+,Rdst         "@Rn+ Rm" 3, "@Rn+ PC" 5
  kAMovaImm,       // MOVA #imm20,Rdst         "#N Rm" 2, "#N PC" 3
  kAMovaMem,       // MOVA x(Rsrc)/&abs20,Rdst "x(Rn)/EDE/&EDE Rm" 4, "... PC" 6
  kAArithReg,      // CMPA/ADDA/SUBA Rsrc,Rdst "Rn Rn" 1, "Rn PC" 3
  kAArithImm,      // CMPA/ADDA/SUBA #imm20    "#N Rm" 3, "#N PC" 3
  kAddressForms
};
inline constexpr uint8_t kAddressInstr[kAddressForms][2] = {
    {1, 3}, {4, 4}, {3, 5}, {3, 5}, {2, 3}, {4, 6}, {1, 3}, {3, 3},
};

}  // namespace ehsim::mcu::cycles
