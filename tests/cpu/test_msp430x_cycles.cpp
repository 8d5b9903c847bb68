// MSP430X cycle counts: one check per row of SLAU367 Table 4-17 "MSP430X Format II Instruction
// Cycles and Length", Table 4-18 "MSP430X Format I Instruction Cycles and Length" (both data
// lengths and every footnote) and Table 4-19 "Address Instruction Cycles and Length" (each
// instruction of a row). The expected numbers are typed from the guide's tables (table bodies as
// transcribed from SLAU445I, the same CPUXV2 tables; facts §1.1), not computed by the CPU model.
// The instructions were assembled by GNU msp430-elf-as 2.40 -mcpu=430xv2 (scripts/build-msp430-gnu)
// and linked at 0x4400; each row names its source line. Every instruction runs alone from a fresh
// CPU with R4-R15 pointing into SRAM, zero FRAM wait states.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/cpu/msp430_asm.h"

using namespace ehsim::test;
using namespace ehsim::mcu;

namespace {

struct Row {
  uint32_t address;  // of the instruction in kProgram
  uint32_t next;     // of the following instruction (0 for branches: PC is their result)
  bool branches;
  const char* table;
  const char* row;  // the table's row and column, and the number read there
  unsigned cycles;  // typed from the table
};

// clang-format off
// msp430-elf-as -mcpu=430xv2 output, linked at 0x4400 (464 words); source in the comments of kRows.
const std::vector<uint16_t> kProgram = {
    0x0945, 0x0455, 0x0F45, 0x0255, 0x152A, 0x143A, 0x1719, 0x164B, 0x1345, 0x1365,
    0x1375, 0x13B1, 0x4500, 0x1355, 0x0004, 0x1351, 0x0004, 0x1390, 0x036E, 0x1380,
    0x2500, 0x1840, 0x1145, 0x1843, 0x1105, 0x1840, 0x1125, 0x1840, 0x1175, 0x1840,
    0x1115, 0x0002, 0x1840, 0x1110, 0x0350, 0x1840, 0x1152, 0x2500, 0x1800, 0x1145,
    0x1889, 0x1145, 0x1800, 0x1165, 0x1800, 0x1175, 0x1800, 0x1155, 0x0002, 0x1800,
    0x1150, 0x032E, 0x1800, 0x1152, 0x2500, 0x1840, 0x1045, 0x1843, 0x1005, 0x1840,
    0x1025, 0x1840, 0x1075, 0x1840, 0x1015, 0x0002, 0x1840, 0x1010, 0x030C, 0x1840,
    0x1052, 0x2500, 0x1800, 0x1045, 0x1889, 0x1045, 0x1800, 0x1065, 0x1800, 0x1075,
    0x1800, 0x1055, 0x0002, 0x1800, 0x1050, 0x02EA, 0x1800, 0x1052, 0x2500, 0x1840,
    0x1205, 0x1840, 0x1265, 0x1840, 0x1235, 0x1840, 0x1230, 0x1234, 0x1840, 0x1215,
    0x0002, 0x1840, 0x1211, 0x0002, 0x1840, 0x1250, 0x02C0, 0x1840, 0x1212, 0x2500,
    0x1800, 0x1245, 0x1800, 0x1265, 0x1800, 0x1275, 0x1880, 0x1270, 0x2345, 0x1800,
    0x1255, 0x0002, 0x1800, 0x1251, 0x0002, 0x1800, 0x1250, 0x0296, 0x1800, 0x1252,
    0x2500, 0x1840, 0x4138, 0x1840, 0x41F6, 0x0004, 0x1840, 0x41B0, 0x0288, 0x1840,
    0x41B2, 0x2600, 0x1800, 0x4178, 0x1800, 0x41F6, 0x0004, 0x1800, 0x41F0, 0x0272,
    0x1800, 0x41F2, 0x2600, 0x1840, 0xE508, 0x1800, 0xE548, 0x1840, 0xE540, 0x1800,
    0xE540, 0x1840, 0xE586, 0x0004, 0x1800, 0xE5C6, 0x0004, 0x1840, 0xE5C0, 0x024A,
    0x1800, 0xE5C0, 0x0244, 0x1840, 0xE582, 0x2600, 0x1800, 0xE5C2, 0x2600, 0x1840,
    0xE568, 0x1800, 0xE568, 0x1840, 0xE520, 0x1800, 0xE560, 0x1840, 0xE5E6, 0x0004,
    0x1800, 0xE5E6, 0x0004, 0x1840, 0xE5A0, 0x0216, 0x1800, 0xE5E0, 0x0210, 0x1840,
    0xE5E2, 0x2600, 0x1800, 0xE5E2, 0x2600, 0x1840, 0xE538, 0x1800, 0xE578, 0x1840,
    0xE570, 0x1800, 0xE570, 0x1840, 0xE5B6, 0x0004, 0x1800, 0xE5F6, 0x0004, 0x1840,
    0xE5F0, 0x01E2, 0x1800, 0xE5F0, 0x01DC, 0x1840, 0xE5B2, 0x2600, 0x1800, 0xE5F2,
    0x2600, 0x1840, 0xE078, 0x1234, 0x1880, 0xE078, 0x2345, 0x1840, 0xE030, 0x1234,
    0x1880, 0xE070, 0x2345, 0x1840, 0xE0F6, 0x1234, 0x0004, 0x1880, 0xE0F6, 0x2345,
    0x0004, 0x1840, 0xE0B0, 0x1234, 0x01A2, 0x1880, 0xE0F0, 0x2345, 0x019A, 0x1840,
    0xE0F2, 0x1234, 0x2600, 0x1880, 0xE0F2, 0x2345, 0x2600, 0x1840, 0xE518, 0x0002,
    0x1800, 0xE558, 0x0002, 0x1840, 0xE550, 0x0002, 0x1800, 0xE550, 0x0002, 0x1840,
    0xE596, 0x0002, 0x0004, 0x1800, 0xE5D6, 0x0002, 0x0004, 0x1840, 0xE5D0, 0x0002,
    0x015A, 0x1800, 0xE5D0, 0x0002, 0x0152, 0x1840, 0xE592, 0x0002, 0x2600, 0x1800,
    0xE5D2, 0x0002, 0x2600, 0x1840, 0xE058, 0x0132, 0x1800, 0xE058, 0x012C, 0x1840,
    0xE010, 0x0126, 0x1800, 0xE050, 0x0120, 0x1840, 0xE0D6, 0x011A, 0x0004, 0x1800,
    0xE0D6, 0x0112, 0x0004, 0x1840, 0xE090, 0x010A, 0x0112, 0x1800, 0xE0D0, 0x0102,
    0x010A, 0x1840, 0xE0D2, 0x00FA, 0x2600, 0x1800, 0xE0D2, 0x00F2, 0x2600, 0x1840,
    0xE218, 0x2500, 0x1800, 0xE258, 0x2500, 0x1840, 0xE250, 0x2500, 0x1800, 0xE250,
    0x2500, 0x1840, 0xE296, 0x2500, 0x0004, 0x1800, 0xE2D6, 0x2500, 0x0004, 0x1840,
    0xE2D0, 0x2500, 0x00CA, 0x1800, 0xE2D0, 0x2500, 0x00C2, 0x1840, 0xE292, 0x2500,
    0x2600, 0x1800, 0xE2D2, 0x2500, 0x2600, 0x1843, 0x5508, 0x1889, 0x5848, 0x1840,
    0x4586, 0x0004, 0x1840, 0xB5E2, 0x2600, 0x1840, 0x9590, 0x0002, 0x0096, 0x1800,
    0x45C6, 0x0004, 0x1880, 0x90F2, 0x2345, 0x2600, 0x1800, 0xB2D6, 0x2500, 0x0004,
    0x1880, 0x4070, 0x4500, 0x1840, 0x5510, 0x0002, 0x1800, 0x8050, 0x0064, 0x1840,
    0x4210, 0x2500, 0x05C8, 0x05D8, 0x05E8, 0x05F8, 0x09C0, 0x09E0, 0x09F0, 0x09D0,
    0x0576, 0x0004, 0x0870, 0x004A, 0x0560, 0x2600, 0x0508, 0x0900, 0x0518, 0x0110,
    0x0188, 0x2345, 0x0198, 0x2345, 0x01A8, 0x2345, 0x01B8, 0x2345, 0x0180, 0x4500,
    0x00A0, 0x0100, 0x00B0, 0x0100, 0x0538, 0x0002, 0x0630, 0x0002, 0x0038, 0x000E,
    0x0030, 0x000A, 0x0028, 0x2500, 0x0020, 0x2500, 0x1234, 0x0005, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000,
};
const Row kRows[] = {
    {0x04400, 0x04402, false, "4-17", "RRAM Rn: n", 3},  // rram.a #3, r5
    {0x04402, 0x04404, false, "4-17", "RRCM Rn: n", 2},  // rrcm.w #2, r5
    {0x04404, 0x04406, false, "4-17", "RRUM Rn: n", 4},  // rrum.a #4, r5
    {0x04406, 0x04408, false, "4-17", "RLAM Rn: n", 1},  // rlam.w #1, r5
    {0x04408, 0x0440A, false, "4-17", "PUSHM Rn: 2 + n", 5},  // pushm.w #3, r10
    {0x0440A, 0x0440C, false, "4-17", "PUSHM.A Rn: 2 + 2n", 10},  // pushm.a #4, r10
    {0x0440C, 0x0440E, false, "4-17", "POPM Rn: 2 + n", 4},  // popm.w #2, r10
    {0x0440E, 0x04410, false, "4-17", "POPM.A Rn: 2 + 2n", 12},  // popm.a #5, r15
    {0x04410, 0x00000, true, "4-17", "CALLA Rn: 5", 5},  // calla r5
    {0x04412, 0x00000, true, "4-17", "CALLA @Rn: 6", 6},  // calla @r5
    {0x04414, 0x00000, true, "4-17", "CALLA @Rn+: 6", 6},  // calla @r5+
    {0x04416, 0x00000, true, "4-17", "CALLA #N: 5", 5},  // calla #0x14500
    {0x0441A, 0x00000, true, "4-17", "CALLA X(Rn): 5", 5},  // calla 4(r5)
    {0x0441E, 0x00000, true, "4-17", "CALLA X(Rn), Rn = SP: 5 + 1 (footnote [1])", 6},  // calla 4(r1)
    {0x04422, 0x00000, true, "4-17", "CALLA EDE: 7", 7},  // calla EDE
    {0x04426, 0x00000, true, "4-17", "CALLA &EDE: 7", 7},  // calla &0x2500
    {0x0442A, 0x0442E, false, "4-17", "RRAX(.B) Rn: 1 + n, n = 1", 2},  // rrax.b r5
    {0x0442E, 0x04432, false, "4-17", "RRAX(.B) Rn: 1 + n, n = 4", 5},  // rpt #4 { rrax.w r5
    {0x04432, 0x04436, false, "4-17", "RRAX(.B) @Rn: 4", 4},  // rrax.w @r5
    {0x04436, 0x0443A, false, "4-17", "RRAX(.B) @Rn+: 4", 4},  // rrax.b @r5+
    {0x0443A, 0x04440, false, "4-17", "RRAX(.B) X(Rn): 5", 5},  // rrax.w 2(r5)
    {0x04440, 0x04446, false, "4-17", "RRAX(.B) EDE: 5", 5},  // rrax.w EDE
    {0x04446, 0x0444C, false, "4-17", "RRAX(.B) &EDE: 5", 5},  // rrax.b &0x2500
    {0x0444C, 0x04450, false, "4-17", "RRAX.A Rn: 1 + n, n = 1", 2},  // rrax.a r5
    {0x04450, 0x04454, false, "4-17", "RRAX.A Rn: 1 + n, n = R9[3:0] + 1 = 4", 5},  // rpt r9 { rrax.a r5
    {0x04454, 0x04458, false, "4-17", "RRAX.A @Rn: 6", 6},  // rrax.a @r5
    {0x04458, 0x0445C, false, "4-17", "RRAX.A @Rn+: 6", 6},  // rrax.a @r5+
    {0x0445C, 0x04462, false, "4-17", "RRAX.A X(Rn): 7", 7},  // rrax.a 2(r5)
    {0x04462, 0x04468, false, "4-17", "RRAX.A EDE: 7", 7},  // rrax.a EDE
    {0x04468, 0x0446E, false, "4-17", "RRAX.A &EDE: 7", 7},  // rrax.a &0x2500
    {0x0446E, 0x04472, false, "4-17", "RRCX(.B) Rn: 1 + n, n = 1", 2},  // rrcx.b r5
    {0x04472, 0x04476, false, "4-17", "RRCX(.B) Rn: 1 + n, n = 4", 5},  // rpt #4 { rrcx.w r5
    {0x04476, 0x0447A, false, "4-17", "RRCX(.B) @Rn: 4", 4},  // rrcx.w @r5
    {0x0447A, 0x0447E, false, "4-17", "RRCX(.B) @Rn+: 4", 4},  // rrcx.b @r5+
    {0x0447E, 0x04484, false, "4-17", "RRCX(.B) X(Rn): 5", 5},  // rrcx.w 2(r5)
    {0x04484, 0x0448A, false, "4-17", "RRCX(.B) EDE: 5", 5},  // rrcx.w EDE
    {0x0448A, 0x04490, false, "4-17", "RRCX(.B) &EDE: 5", 5},  // rrcx.b &0x2500
    {0x04490, 0x04494, false, "4-17", "RRCX.A Rn: 1 + n, n = 1", 2},  // rrcx.a r5
    {0x04494, 0x04498, false, "4-17", "RRCX.A Rn: 1 + n, n = R9[3:0] + 1 = 4", 5},  // rpt r9 { rrcx.a r5
    {0x04498, 0x0449C, false, "4-17", "RRCX.A @Rn: 6", 6},  // rrcx.a @r5
    {0x0449C, 0x044A0, false, "4-17", "RRCX.A @Rn+: 6", 6},  // rrcx.a @r5+
    {0x044A0, 0x044A6, false, "4-17", "RRCX.A X(Rn): 7", 7},  // rrcx.a 2(r5)
    {0x044A6, 0x044AC, false, "4-17", "RRCX.A EDE: 7", 7},  // rrcx.a EDE
    {0x044AC, 0x044B2, false, "4-17", "RRCX.A &EDE: 7", 7},  // rrcx.a &0x2500
    {0x044B2, 0x044B6, false, "4-17", "PUSHX(.B) Rn: 4", 4},  // pushx.w r5
    {0x044B6, 0x044BA, false, "4-17", "PUSHX(.B) @Rn: 4", 4},  // pushx.b @r5
    {0x044BA, 0x044BE, false, "4-17", "PUSHX(.B) @Rn+: 4", 4},  // pushx.w @r5+
    {0x044BE, 0x044C4, false, "4-17", "PUSHX(.B) #N: 4", 4},  // pushx.w #0x1234
    {0x044C4, 0x044CA, false, "4-17", "PUSHX(.B) X(Rn): 5", 5},  // pushx.w 2(r5)
    {0x044CA, 0x044D0, false, "4-17", "PUSHX(.B) X(Rn), Rn = SP: 5 + 1 (footnote [1])", 6},  // pushx.w 2(r1)
    {0x044D0, 0x044D6, false, "4-17", "PUSHX(.B) EDE: 5", 5},  // pushx.b EDE
    {0x044D6, 0x044DC, false, "4-17", "PUSHX(.B) &EDE: 5", 5},  // pushx.w &0x2500
    {0x044DC, 0x044E0, false, "4-17", "PUSHX.A Rn: 5", 5},  // pushx.a r5
    {0x044E0, 0x044E4, false, "4-17", "PUSHX.A @Rn: 6", 6},  // pushx.a @r5
    {0x044E4, 0x044E8, false, "4-17", "PUSHX.A @Rn+: 6", 6},  // pushx.a @r5+
    {0x044E8, 0x044EE, false, "4-17", "PUSHX.A #N: 5", 5},  // pushx.a #0x12345
    {0x044EE, 0x044F4, false, "4-17", "PUSHX.A X(Rn): 7", 7},  // pushx.a 2(r5)
    {0x044F4, 0x044FA, false, "4-17", "PUSHX.A X(Rn), Rn = SP: 7 + 1 (footnote [1])", 8},  // pushx.a 2(r1)
    {0x044FA, 0x04500, false, "4-17", "PUSHX.A EDE: 7", 7},  // pushx.a EDE
    {0x04500, 0x04506, false, "4-17", "PUSHX.A &EDE: 7", 7},  // pushx.a &0x2500
    {0x04506, 0x0450A, false, "4-17", "POPX(.B) Rn: 3", 3},  // popx.w r8
    {0x0450A, 0x04510, false, "4-17", "POPX(.B) X(Rn): 5", 5},  // popx.b 4(r6)
    {0x04510, 0x04516, false, "4-17", "POPX(.B) EDE: 5", 5},  // popx.w TONI
    {0x04516, 0x0451C, false, "4-17", "POPX(.B) &EDE: 5", 5},  // popx.w &0x2600
    {0x0451C, 0x04520, false, "4-17", "POPX.A Rn: 4", 4},  // popx.a r8
    {0x04520, 0x04526, false, "4-17", "POPX.A X(Rn): 7", 7},  // popx.a 4(r6)
    {0x04526, 0x0452C, false, "4-17", "POPX.A EDE: 7", 7},  // popx.a TONI
    {0x0452C, 0x04532, false, "4-17", "POPX.A &EDE: 7", 7},  // popx.a &0x2600
    {0x04532, 0x04536, false, "4-18", "Rn -> Rm: .B/.W 2", 2},  // xorx.w r5, r8
    {0x04536, 0x0453A, false, "4-18", "Rn -> Rm: .A 2", 2},  // xorx.a r5, r8
    {0x0453A, 0x00000, true, "4-18", "Rn -> PC: .B/.W 4", 4},  // xorx.b r5, pc
    {0x0453E, 0x00000, true, "4-18", "Rn -> PC: .A 4", 4},  // xorx.a r5, pc
    {0x04542, 0x04548, false, "4-18", "Rn -> x(Rm): .B/.W 5", 5},  // xorx.w r5, 4(r6)
    {0x04548, 0x0454E, false, "4-18", "Rn -> x(Rm): .A 7", 7},  // xorx.a r5, 4(r6)
    {0x0454E, 0x04554, false, "4-18", "Rn -> EDE: .B/.W 5", 5},  // xorx.b r5, TONI
    {0x04554, 0x0455A, false, "4-18", "Rn -> EDE: .A 7", 7},  // xorx.a r5, TONI
    {0x0455A, 0x04560, false, "4-18", "Rn -> &EDE: .B/.W 5", 5},  // xorx.w r5, &0x2600
    {0x04560, 0x04566, false, "4-18", "Rn -> &EDE: .A 7", 7},  // xorx.a r5, &0x2600
    {0x04566, 0x0456A, false, "4-18", "@Rn -> Rm: .B/.W 3", 3},  // xorx.b @r5, r8
    {0x0456A, 0x0456E, false, "4-18", "@Rn -> Rm: .A 4", 4},  // xorx.a @r5, r8
    {0x0456E, 0x00000, true, "4-18", "@Rn -> PC: .B/.W 5", 5},  // xorx.w @r5, pc
    {0x04572, 0x00000, true, "4-18", "@Rn -> PC: .A 6", 6},  // xorx.a @r5, pc
    {0x04576, 0x0457C, false, "4-18", "@Rn -> x(Rm): .B/.W 6", 6},  // xorx.b @r5, 4(r6)
    {0x0457C, 0x04582, false, "4-18", "@Rn -> x(Rm): .A 9", 9},  // xorx.a @r5, 4(r6)
    {0x04582, 0x04588, false, "4-18", "@Rn -> EDE: .B/.W 6", 6},  // xorx.w @r5, TONI
    {0x04588, 0x0458E, false, "4-18", "@Rn -> EDE: .A 9", 9},  // xorx.a @r5, TONI
    {0x0458E, 0x04594, false, "4-18", "@Rn -> &EDE: .B/.W 6", 6},  // xorx.b @r5, &0x2600
    {0x04594, 0x0459A, false, "4-18", "@Rn -> &EDE: .A 9", 9},  // xorx.a @r5, &0x2600
    {0x0459A, 0x0459E, false, "4-18", "@Rn+ -> Rm: .B/.W 3", 3},  // xorx.w @r5+, r8
    {0x0459E, 0x045A2, false, "4-18", "@Rn+ -> Rm: .A 4", 4},  // xorx.a @r5+, r8
    {0x045A2, 0x00000, true, "4-18", "@Rn+ -> PC: .B/.W 5", 5},  // xorx.b @r5+, pc
    {0x045A6, 0x00000, true, "4-18", "@Rn+ -> PC: .A 6", 6},  // xorx.a @r5+, pc
    {0x045AA, 0x045B0, false, "4-18", "@Rn+ -> x(Rm): .B/.W 6", 6},  // xorx.w @r5+, 4(r6)
    {0x045B0, 0x045B6, false, "4-18", "@Rn+ -> x(Rm): .A 9", 9},  // xorx.a @r5+, 4(r6)
    {0x045B6, 0x045BC, false, "4-18", "@Rn+ -> EDE: .B/.W 6", 6},  // xorx.b @r5+, TONI
    {0x045BC, 0x045C2, false, "4-18", "@Rn+ -> EDE: .A 9", 9},  // xorx.a @r5+, TONI
    {0x045C2, 0x045C8, false, "4-18", "@Rn+ -> &EDE: .B/.W 6", 6},  // xorx.w @r5+, &0x2600
    {0x045C8, 0x045CE, false, "4-18", "@Rn+ -> &EDE: .A 9", 9},  // xorx.a @r5+, &0x2600
    {0x045CE, 0x045D4, false, "4-18", "#N -> Rm: .B/.W 3", 3},  // xorx.b #0x1234, r8
    {0x045D4, 0x045DA, false, "4-18", "#N -> Rm: .A 3", 3},  // xorx.a #0x12345, r8
    {0x045DA, 0x00000, true, "4-18", "#N -> PC: .B/.W 4", 4},  // xorx.w #0x1234, pc
    {0x045E0, 0x00000, true, "4-18", "#N -> PC: .A 4", 4},  // xorx.a #0x12345, pc
    {0x045E6, 0x045EE, false, "4-18", "#N -> x(Rm): .B/.W 6", 6},  // xorx.b #0x1234, 4(r6)
    {0x045EE, 0x045F6, false, "4-18", "#N -> x(Rm): .A 8", 8},  // xorx.a #0x12345, 4(r6)
    {0x045F6, 0x045FE, false, "4-18", "#N -> EDE: .B/.W 6", 6},  // xorx.w #0x1234, TONI
    {0x045FE, 0x04606, false, "4-18", "#N -> EDE: .A 8", 8},  // xorx.a #0x12345, TONI
    {0x04606, 0x0460E, false, "4-18", "#N -> &EDE: .B/.W 6", 6},  // xorx.b #0x1234, &0x2600
    {0x0460E, 0x04616, false, "4-18", "#N -> &EDE: .A 8", 8},  // xorx.a #0x12345, &0x2600
    {0x04616, 0x0461C, false, "4-18", "x(Rn) -> Rm: .B/.W 4", 4},  // xorx.w 2(r5), r8
    {0x0461C, 0x04622, false, "4-18", "x(Rn) -> Rm: .A 5", 5},  // xorx.a 2(r5), r8
    {0x04622, 0x00000, true, "4-18", "x(Rn) -> PC: .B/.W 6", 6},  // xorx.b 2(r5), pc
    {0x04628, 0x00000, true, "4-18", "x(Rn) -> PC: .A 7", 7},  // xorx.a 2(r5), pc
    {0x0462E, 0x04636, false, "4-18", "x(Rn) -> x(Rm): .B/.W 7", 7},  // xorx.w 2(r5), 4(r6)
    {0x04636, 0x0463E, false, "4-18", "x(Rn) -> x(Rm): .A 10", 10},  // xorx.a 2(r5), 4(r6)
    {0x0463E, 0x04646, false, "4-18", "x(Rn) -> EDE: .B/.W 7", 7},  // xorx.b 2(r5), TONI
    {0x04646, 0x0464E, false, "4-18", "x(Rn) -> EDE: .A 10", 10},  // xorx.a 2(r5), TONI
    {0x0464E, 0x04656, false, "4-18", "x(Rn) -> &EDE: .B/.W 7", 7},  // xorx.w 2(r5), &0x2600
    {0x04656, 0x0465E, false, "4-18", "x(Rn) -> &EDE: .A 10", 10},  // xorx.a 2(r5), &0x2600
    {0x0465E, 0x04664, false, "4-18", "EDE -> Rm: .B/.W 4", 4},  // xorx.b EDE, r8
    {0x04664, 0x0466A, false, "4-18", "EDE -> Rm: .A 5", 5},  // xorx.a EDE, r8
    {0x0466A, 0x00000, true, "4-18", "EDE -> PC: .B/.W 6", 6},  // xorx.w EDE, pc
    {0x04670, 0x00000, true, "4-18", "EDE -> PC: .A 7", 7},  // xorx.a EDE, pc
    {0x04676, 0x0467E, false, "4-18", "EDE -> x(Rm): .B/.W 7", 7},  // xorx.b EDE, 4(r6)
    {0x0467E, 0x04686, false, "4-18", "EDE -> x(Rm): .A 10", 10},  // xorx.a EDE, 4(r6)
    {0x04686, 0x0468E, false, "4-18", "EDE -> EDE: .B/.W 7", 7},  // xorx.w EDE, TONI
    {0x0468E, 0x04696, false, "4-18", "EDE -> EDE: .A 10", 10},  // xorx.a EDE, TONI
    {0x04696, 0x0469E, false, "4-18", "EDE -> &EDE: .B/.W 7", 7},  // xorx.b EDE, &0x2600
    {0x0469E, 0x046A6, false, "4-18", "EDE -> &EDE: .A 10", 10},  // xorx.a EDE, &0x2600
    {0x046A6, 0x046AC, false, "4-18", "&EDE -> Rm: .B/.W 4", 4},  // xorx.w &0x2500, r8
    {0x046AC, 0x046B2, false, "4-18", "&EDE -> Rm: .A 5", 5},  // xorx.a &0x2500, r8
    {0x046B2, 0x00000, true, "4-18", "&EDE -> PC: .B/.W 6", 6},  // xorx.b &0x2500, pc
    {0x046B8, 0x00000, true, "4-18", "&EDE -> PC: .A 7", 7},  // xorx.a &0x2500, pc
    {0x046BE, 0x046C6, false, "4-18", "&EDE -> x(Rm): .B/.W 7", 7},  // xorx.w &0x2500, 4(r6)
    {0x046C6, 0x046CE, false, "4-18", "&EDE -> x(Rm): .A 10", 10},  // xorx.a &0x2500, 4(r6)
    {0x046CE, 0x046D6, false, "4-18", "&EDE -> EDE: .B/.W 7", 7},  // xorx.b &0x2500, TONI
    {0x046D6, 0x046DE, false, "4-18", "&EDE -> EDE: .A 10", 10},  // xorx.a &0x2500, TONI
    {0x046DE, 0x046E6, false, "4-18", "&EDE -> &EDE: .B/.W 7", 7},  // xorx.w &0x2500, &0x2600
    {0x046E6, 0x046EE, false, "4-18", "&EDE -> &EDE: .A 10", 10},  // xorx.a &0x2500, &0x2600
    {0x046EE, 0x046F2, false, "4-18", "Rn -> Rm, footnote [1]: repeated, n + 1 = 5", 5},  // rpt #4 { addx.w r5, r8
    {0x046F2, 0x046F6, false, "4-18", "Rn -> Rm, footnote [1]: repeated .A, n = R9[3:0] + 1 = 4: 5", 5},  // rpt r9 { rlax.a r8
    {0x046F6, 0x046FC, false, "4-18", "Rn -> x(Rm) MOV, footnote [2]: 5 - 1", 4},  // movx.w r5, 4(r6)
    {0x046FC, 0x04702, false, "4-18", "@Rn -> &EDE BIT, footnote [2]: 6 - 1", 5},  // bitx.b @r5, &0x2600
    {0x04702, 0x0470A, false, "4-18", "x(Rn) -> EDE CMP, footnote [2]: 7 - 1", 6},  // cmpx.w 2(r5), TONI
    {0x0470A, 0x04710, false, "4-18", "Rn -> x(Rm) MOV .A, footnote [3]: 7 - 2", 5},  // movx.a r5, 4(r6)
    {0x04710, 0x04718, false, "4-18", "#N -> &EDE CMP .A, footnote [3]: 8 - 2", 6},  // cmpx.a #0x12345, &0x2600
    {0x04718, 0x04720, false, "4-18", "&EDE -> x(Rm) BIT .A, footnote [3]: 10 - 2", 8},  // bitx.a &0x2500, 4(r6)
    {0x04720, 0x00000, true, "4-18", "#N -> PC MOV .A, footnote [4]: 4 - 1", 3},  // movx.a #0x14500, pc
    {0x04726, 0x00000, true, "4-18", "x(Rn) -> PC ADD, footnote [4]: 6 - 1", 5},  // addx.w 2(r5), pc
    {0x0472C, 0x00000, true, "4-18", "EDE -> PC SUB .A, footnote [4]: 7 - 1", 6},  // subx.a EDE, pc
    {0x04732, 0x00000, true, "4-18", "&EDE -> PC MOV, footnote [4]: 6 - 1", 5},  // movx.w &0x2500, pc
    {0x04738, 0x0473A, false, "4-19", "Rn Rn MOVA: 1", 1},  // mova r5, r8
    {0x0473A, 0x0473C, false, "4-19", "Rn Rn CMPA: 1", 1},  // cmpa r5, r8
    {0x0473C, 0x0473E, false, "4-19", "Rn Rn ADDA: 1", 1},  // adda r5, r8
    {0x0473E, 0x04740, false, "4-19", "Rn Rn SUBA: 1", 1},  // suba r5, r8
    {0x04740, 0x00000, true, "4-19", "Rn PC MOVA (BRA Rn): 3", 3},  // mova r9, pc
    {0x04742, 0x00000, true, "4-19", "Rn PC ADDA: 3", 3},  // adda r9, pc
    {0x04744, 0x00000, true, "4-19", "Rn PC SUBA: 3", 3},  // suba r9, pc
    {0x04746, 0x00000, true, "4-19", "Rn PC CMPA: 3", 3},  // cmpa r9, pc
    {0x04748, 0x0474C, false, "4-19", "Rn x(Rm) MOVA: 4", 4},  // mova r5, 4(r6)
    {0x0474C, 0x04750, false, "4-19", "Rn EDE MOVA: 4", 4},  // mova r8, TONI
    {0x04750, 0x04754, false, "4-19", "Rn &EDE MOVA: 4", 4},  // mova r5, &0x2600
    {0x04754, 0x04756, false, "4-19", "@Rn Rm MOVA: 3", 3},  // mova @r5, r8
    {0x04756, 0x00000, true, "4-19", "@Rn PC MOVA (BRA @Rn): 5", 5},  // mova @r9, pc
    {0x04758, 0x0475A, false, "4-19", "@Rn+ Rm MOVA: 3", 3},  // mova @r5+, r8
    {0x0475A, 0x00000, true, "4-19", "@Rn+ PC MOVA (RETA = MOVA @SP+,PC): 5", 5},  // reta
    {0x0475C, 0x04760, false, "4-19", "#N Rm MOVA: 2", 2},  // mova #0x12345, r8
    {0x04760, 0x04764, false, "4-19", "#N Rm CMPA: 3", 3},  // cmpa #0x12345, r8
    {0x04764, 0x04768, false, "4-19", "#N Rm ADDA: 3", 3},  // adda #0x12345, r8
    {0x04768, 0x0476C, false, "4-19", "#N Rm SUBA: 3", 3},  // suba #0x12345, r8
    {0x0476C, 0x00000, true, "4-19", "#N PC MOVA (BRA #N): 3", 3},  // mova #0x14500, pc
    {0x04770, 0x00000, true, "4-19", "#N PC ADDA: 3", 3},  // adda #0x100, pc
    {0x04774, 0x00000, true, "4-19", "#N PC SUBA: 3", 3},  // suba #0x100, pc
    {0x04778, 0x0477C, false, "4-19", "x(Rn) Rm MOVA: 4", 4},  // mova 2(r5), r8
    {0x0477C, 0x00000, true, "4-19", "x(Rn) PC MOVA (BRA x(Rn)): 6", 6},  // mova 2(r6), pc
    {0x04780, 0x04784, false, "4-19", "EDE Rm MOVA: 4", 4},  // mova EDE, r8
    {0x04784, 0x00000, true, "4-19", "EDE PC MOVA (BRA EDE): 6", 6},  // mova EDE, pc
    {0x04788, 0x0478C, false, "4-19", "&EDE Rm MOVA: 4", 4},  // mova &0x2500, r8
    {0x0478C, 0x00000, true, "4-19", "&EDE PC MOVA (BRA &EDE): 6", 6},  // mova &0x2500, pc
};
// clang-format on

// Runs the instruction at `row.address` once and returns its cycles.
unsigned run_row(Rig& r, const Row& row) {
  r.load(kProgram);
  for (int n = 4; n <= 15; ++n) r.cpu.set_reg(n, 0x2000 + 0x100 * uint32_t(n - 4));
  r.cpu.set_reg(9, 0x2503);  // `rpt r9`: 4 repetitions (R9 bits 3:0 + 1)
  r.cpu.set_reg(kPC, row.address);
  return unsigned(r.step());
}

void check_table(const char* table) {
  unsigned checked = 0;
  for (const Row& row : kRows) {
    if (std::string(row.table) != table) continue;
    Rig r;
    INFO("Table " << row.table << " row " << row.row << " at 0x" << std::hex << row.address);
    CHECK(run_row(r, row) == row.cycles);
    CHECK(r.ctx.fault.kind == FaultKind::kNone);
    // The instruction's length: it consumed exactly its words.
    if (!row.branches) CHECK(r.cpu.pc() == row.next);
    ++checked;
  }
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("Table 4-17: MSP430X Format II cycles, every row and column", "[cpu][msp430x][cycles]") {
  check_table("4-17");
}

TEST_CASE("Table 4-18: MSP430X Format I cycles, every row, .B/.W and .A, footnotes",
          "[cpu][msp430x][cycles]") {
  check_table("4-18");
}

TEST_CASE("Table 4-19: address instruction cycles, every row", "[cpu][msp430x][cycles]") {
  check_table("4-19");
}
