// GNU's msp430-elf tools as an independent truth for the MSP430X CPU tests (issue 13): assemble
// and link a snippet with binutils' msp430-elf-as/-ld, disassemble it with msp430-elf-objdump,
// and run it on GNU's MSP430 simulator msp430-elf-run (gdb 13.1's sim/msp430), parsing its trace
// into one record per instruction. scripts/build-msp430-gnu builds the tools into
// EHSIM_MSP430_GNU_BIN; a test that needs them fails (never skips) when they are missing.
//
// What msp430-elf-run does (read in gdb 13.1's sim/msp430/msp430-sim.c, Debian's gdb 13.1-3):
//  * start: every register is 0 (msp430_initialize_cpu memsets the state), so SP is 0 until the
//    program sets it; PC is the reset vector at 0xFFFE when that word is non-zero, otherwise the
//    ELF entry point (sim_create_inferior). The linker script here places no vectors, so a
//    program starts at its `start` symbol.
//  * memory (sim_open): 0x0-0x1F, 0x500-0xFFBF, 0xFFC0-0xFFFF (vectors) and 0x10000-0xFFFFF;
//    0x20-0x4FF is unmapped except the hardware multiplier registers at 0x130-0x15B and
//    0x4C0-0x4EB, which the simulator emulates (a read of unmapped memory reads 0).
//  * halt: `mov.b #0, r3` (opcode 0x4343, msp430_step_once's "designated software breakpoint")
//    stops the run with SIGTRAP before executing anything; so does a jump to itself (`jmp $`,
//    exit status 0) and a PC below 0x10 or an undecodable opcode ("Fault: ..."). On the
//    breakpoint msp430-elf-run prints "program stopped with signal 5 (Trace/breakpoint trap)."
//    and exits with status 5.
//  * `call #0x160` is a simulator hook, not a call: it prints all 16 registers (maybe_perform_
//    syscall: four lines of "\tR0  04424   R1  02400   R2  00000   R3  00000   \tSP+6: 0000")
//    to stderr and changes nothing else; run_gnu_sim parses these dumps.
//  * a 20-bit memory write (an .A instruction, PUSHM.A, CALLA) stores 4 bytes (put_op, size 20:
//    the value masked to 20 bits, so the upper word is 0x000X, as on the CPU, SLAU367P §4.4.1).
//
// The trace (options --trace-disasm --trace-register --trace-memory --trace-alu, written with
// --trace-file) has one line per event: "<kind>:", spaces, "0x" and the address of the
// instruction it belongs to, spaces, "-" and the text (sim/common/sim-trace.c trace_generic and
// trace_disasm); e.g. for `rpt #4 { rrax.w r10` (excerpt):
//    disasm:   0x004408                       -rpt #4 { rrax.w\tr10\t\t;
//    reg:      0x004408                       -GET: R10 -> 0x8001
//    alu:      0x004408                       -RRA: 0x8001 >>= 0xc000
//    reg:      0x004408                       -PUT: 0xc000 -> R10
//    alu:      0x004408                       -FLAGS: ---- -> -N-C
//    memory:   0x004418                       -PUT: [0x23fe].16 <- 0x1111
// "disasm" comes once per instruction, before its events (the disassembly is objdump's, so
// `mov.b #0, r3` reads "clr.b r3"); "reg" PUT is a register write (PC SP SR CG R4..R15), GET a
// read; "memory" PUT is a write of 8, 16 or 20 bits, GET a read; "alu" FLAGS gives V N Z C after
// the operation ("OLD -> NEW", or "NEW" when unchanged); other alu lines show operands. Reads
// and operand lines are skipped; a line of another shape fails the test.
// run_gnu_sim turns them into Steps: the register file after each instruction is the one before
// it with the PUTs applied, SR's V/N/Z/C bits replaced by the FLAGS line (the simulator assigns
// them to SR without a PUT) and PC set to the next instruction's address. Not traced by this
// simulator version, hence not in the steps: RETI's SR/SP updates (direct assignments); use a
// `call #0x160` register dump after a RETI.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ehsim::gnu {

// Directory of the msp430-elf tools (the EHSIM_MSP430_GNU_BIN compile definition) and one tool's
// path in it, e.g. tool("objdump") = <dir>/msp430-elf-objdump.
std::string tools_dir();
std::string tool(const std::string& name);

// Fails the running test case (EHSIM_REQUIRE_DEPENDENCY) unless as, ld, objdump and run are
// all there; every function below calls it first.
void require_tools();

struct LinkOptions {
  uint32_t text_address = 0x4400;    // .text: FR5994 FRAM starts at 0x4400 (SLAS789 Table 6-41)
  uint32_t data_address = 0x1C00;    // .data/.bss: FR5994 SRAM 0x1C00-0x3BFF
  uint32_t upper_address = 0x10000;  // .upper.text/.upper.data: FRAM above 64 KB
  std::string name = "prog";         // file names in the scratch directory: NAME.s, NAME.elf
};

// Assembles `asm_text` (GNU as syntax; the program's entry point is the global symbol `start`)
// with `msp430-elf-as -mcpu=430xv2` (the FR5994's CPUXv2) and links it with a linker script that
// places the sections at `options`' addresses. Returns the ELF's path, in the running test's
// scratch directory. A tool error or warning fails the test with the tool's output.
std::string assemble_and_link(const std::string& asm_text, const LinkOptions& options = {});

// `msp430-elf-objdump -d` of the ELF's code sections.
std::string objdump_disassemble(const std::string& elf);

struct Disassembled {
  uint32_t address = 0;
  std::vector<uint16_t> words;  // the instruction's little-endian 16-bit words
  std::string text;             // e.g. "pushm\t#3,\tr10" (objdump writes PUSHM.W as pushm)
};
// The instructions of objdump_disassemble's listing, in address order.
std::vector<Disassembled> disassemble(const std::string& elf);

struct MemWrite {
  uint32_t address = 0;
  int bits = 0;  // 8, 16 or 20 (a 20-bit write stores 4 bytes, see above)
  uint32_t value = 0;
};

using Registers = std::array<uint32_t, 16>;  // R0..R15, 20-bit values

struct Step {
  uint32_t pc = 0;     // address of the instruction
  std::string disasm;  // the simulator's disassembly of it
  Registers regs{};    // register file after it (see the header comment)
  std::vector<MemWrite> writes;
  std::optional<Registers> dump;  // what `call #0x160` printed, for that instruction
};

struct SimOptions {
  int timeout_seconds = 20;  // the run is killed after this (a program that never halts)
};

struct SimRun {
  std::vector<Step> steps;  // every executed instruction, without the halting one
  bool breakpoint = false;  // stopped at `mov.b #0, r3`
  uint32_t halt_pc = 0;     // PC of the halting instruction
  int exit_code = 0;
  std::string output;  // the simulator's stdout and stderr: dumps, faults, stop message
  const Registers& final_regs() const;  // regs of the last step (fails when there is none)
};

// Runs the ELF on msp430-elf-run with the trace options above and parses the trace. Fails the
// test when the simulator cannot run it or its trace has a line this parser does not know.
SimRun run_gnu_sim(const std::string& elf, const SimOptions& options = {});

// The small MSP430X program whose end state test_gnu_tools.cpp works out by hand from the guide
// (and test_msp430x_gnu_diff.cpp runs on ehsim's CPU as well); it ends with a `call #0x160`
// register dump and the halt.
inline constexpr const char kHandComputedProgram[] = R"(
        .text
        .global start
start:  mov     #0x2400, sp     ; 0x4400, 2 words
        mov     #0x8001, r10    ; 0x4404
        rpt #4 { rrax.w r10     ; 0x4408, extension word + RRA
        mova    #0x12345, r12   ; 0x440c
        mov     #0x1111, r11    ; 0x4410
        mov     #0x2222, r9     ; 0x4414
        pushm.w #3, r11         ; 0x4418, 1 word
        calla   #func           ; 0x441a, 2 words: returns to 0x441e
        popm.w  #3, r15         ; 0x441e
        call    #0x160          ; 0x4420: the simulator's register dump
        mov.b   #0, r3          ; 0x4424: halt
        .section .upper.text, "ax", @progbits
func:   adda    #0x10, r12
        reta
)";

}  // namespace ehsim::gnu
