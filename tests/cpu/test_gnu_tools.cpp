// The GNU msp430-elf harness (tests/gnu/gnu_msp430.h) against TI's user guide: binutils must
// encode MSP430X instructions as SLAU367P §4.5.2 and §4.6 define them, and GNU's simulator must
// end a small MSP430X program with the register and memory values worked out by hand from the
// same guide. Both prove that the tools and the trace parser are fit to judge ehsim's CPU.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/gnu/gnu_msp430.h"

using ehsim::gnu::Disassembled;

namespace {

// The instruction at `address` in the disassembly (fails when there is none).
const Disassembled& at(const std::vector<Disassembled>& listing, uint32_t address) {
  for (const Disassembled& d : listing)
    if (d.address == address) return d;
  FAIL("no instruction at " << address);
  return listing.front();
}

}  // namespace

TEST_CASE("gnu tools: msp430-elf-as encodes MSP430X instructions as SLAU367P defines them",
          "[cpu][gnu]") {
  // Every instruction at a fixed address, so that each encoding is checked by position.
  const std::string elf = ehsim::gnu::assemble_and_link(R"(
        .text
        .global start
start:  pushm.w #3, r10         ; 0x4400
        pushm.a #2, r9          ; 0x4402
        popm.w  #3, r10         ; 0x4404
        rpt #4 { rrax.w r10     ; 0x4406
        mova    #0x12345, r12   ; 0x440a
        calla   #func           ; 0x440e
        rram.a  #2, r7          ; 0x4412
        mov.b   #0, r3          ; 0x4414
        .section .upper.text, "ax", @progbits
func:   reta
)");
  const std::vector<Disassembled> listing = ehsim::gnu::disassemble(elf);
  // PUSHM/POPM (SLAU367P Figure 4-32, §4.6.1): opcode byte 0x15 (PUSHM.W), 0x14 (PUSHM.A),
  // 0x17 (POPM.W); bits 7:4 = n-1; bits 3:0 = the first register pushed (PUSHM) or the lowest
  // register popped, Rdst-n+1 (POPM).
  CHECK(at(listing, 0x4400).words == std::vector<uint16_t>{0x1500 | (2 << 4) | 10});
  CHECK(at(listing, 0x4402).words == std::vector<uint16_t>{0x1400 | (1 << 4) | 9});
  CHECK(at(listing, 0x4404).words == std::vector<uint16_t>{0x1700 | (2 << 4) | (10 - 3 + 1)});
  // RPT #4 + RRAX.W Rn: the register-mode extension word (SLAU367P Figure 4-25, Table 4-11:
  // 0x1800, ZC bit 8 = 0 (RRAX, not RRUX), # bit 7 = 0 (count in bits 3:0), A/L bit 6 = 1 with
  // B/W = 0 for .W, bits 3:0 = n-1) followed by RRA Rn (0x1100 | Rn, Table 4-5).
  CHECK(at(listing, 0x4406).words == std::vector<uint16_t>{0x1800 | 0x40 | 3, 0x1100 | 10});
  // MOVA #imm20, Rdst (§4.6.1): 0000 imm19:16 1000 Rdst, then imm15:0.
  CHECK(at(listing, 0x440A).words ==
        std::vector<uint16_t>{0x0000 | (0x1 << 8) | 0x80 | 12, 0x2345});
  // CALLA #imm20 (§4.6.1): 0001 0011 1011 imm19:16, then imm15:0; func is at 0x10000.
  CHECK(at(listing, 0x440E).words == std::vector<uint16_t>{0x13B0 | 0x1, 0x0000});
  // RRAM.A #n, Rdst (Figure 4-33): bits 11:10 = n-1, bits 9:4 = 0x14 (RRAM .A), bits 3:0 Rdst.
  CHECK(at(listing, 0x4412).words == std::vector<uint16_t>{(1 << 10) | 0x0140 | 7});
  CHECK(at(listing, 0x4402).text.rfind("pushm.a", 0) == 0);
  CHECK(at(listing, 0x4406).text.rfind("rpt #4 { rrax.w", 0) == 0);
  // RETA (§4.6.1): 0x0110.
  CHECK(at(listing, 0x10000).words == std::vector<uint16_t>{0x0110});
}

TEST_CASE("gnu tools: msp430-elf-run ends an MSP430X program with the hand-computed state",
          "[cpu][gnu]") {
  const std::string elf = ehsim::gnu::assemble_and_link(ehsim::gnu::kHandComputedProgram);
  const ehsim::gnu::SimRun run = ehsim::gnu::run_gnu_sim(elf);
  INFO(run.output);
  REQUIRE(run.breakpoint);
  CHECK(run.halt_pc == 0x4424);
  std::vector<uint32_t> pcs;
  for (const auto& s : run.steps) pcs.push_back(s.pc);
  CHECK(pcs == std::vector<uint32_t>{0x4400, 0x4404, 0x4408, 0x440C, 0x4410, 0x4414, 0x4418, 0x441A,
                                     0x10000, 0x10004, 0x441E, 0x4420});

  // RRAX.W repeated 4 times (SLAU367P §4.6.3 RRAX: MSB kept, LSB to C; .W clears bits 19:16):
  // 0x8001 -> 0xC000 (C=1) -> 0xE000 -> 0xF000 -> 0xF800 (C=0); N = bit 15 = 1, Z = 0, V = 0.
  const auto& rrax = run.steps[2].regs;
  CHECK(rrax[10] == 0xF800);
  CHECK((rrax[2] & 0x107) == 0x004);
  // PUSHM.W #3, R11 (§4.6.3 PUSHM): R11, R10, R9 to decreasing addresses, SP = 0x2400 - 6.
  const auto& pushm = run.steps[6];
  CHECK(pushm.regs[1] == 0x23FA);
  REQUIRE(pushm.writes.size() == 3);
  CHECK(pushm.writes[0].address == 0x23FE);
  CHECK(pushm.writes[0].value == 0x1111);
  CHECK(pushm.writes[1].address == 0x23FC);
  CHECK(pushm.writes[1].value == 0xF800);
  CHECK(pushm.writes[2].address == 0x23FA);
  CHECK(pushm.writes[2].value == 0x2222);
  // CALLA (§4.6.3 CALLA): SP - 4, the 20-bit return address 0x441E stored as two words.
  const auto& calla = run.steps[7];
  CHECK(calla.regs[1] == 0x23F6);
  CHECK(calla.regs[0] == 0x10000);
  REQUIRE(calla.writes.size() == 1);
  CHECK(calla.writes[0].address == 0x23F6);
  CHECK(calla.writes[0].value == 0x441E);
  // ADDA #0x10, R12 (§4.6.3 ADDA): 0x12345 + 0x10 = 0x12355, 20-bit flags all clear.
  CHECK(run.steps[8].regs[12] == 0x12355);
  CHECK((run.steps[8].regs[2] & 0x107) == 0);

  // Final state: POPM.W #3, R15 pops R13, R14, R15 from increasing addresses (§4.6.3 POPM).
  const auto& regs = run.final_regs();
  CHECK(regs[1] == 0x2400);
  CHECK(regs[9] == 0x2222);
  CHECK(regs[10] == 0xF800);
  CHECK(regs[11] == 0x1111);
  CHECK(regs[12] == 0x12355);
  CHECK(regs[13] == 0x2222);
  CHECK(regs[14] == 0xF800);
  CHECK(regs[15] == 0x1111);
  CHECK(regs[0] == 0x4424);
  // The simulator's own register dump agrees with the state rebuilt from its trace.
  REQUIRE(run.steps.back().dump.has_value());
  CHECK(*run.steps.back().dump == regs);
}
