// Runs test firmware under mspdebug's simulator and under `ehsim exec`, and reads ELF symbols,
// for the differential firmware tests.
#ifndef EHSIM_TESTS_FIRMWARE_HARNESS_H
#define EHSIM_TESTS_FIRMWARE_HARNESS_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fwtest {

struct Symbol {
  uint16_t address = 0;
  uint16_t size = 0;
};

// Looks `name` up in the ELF32 symbol table of `elf_path`; throws std::runtime_error naming the
// file when the file is unreadable, not ELF32 little-endian, or has no such symbol.
Symbol elf_symbol(const std::string& elf_path, const std::string& name);

struct Section {
  std::string name;
  uint32_t type = 0;  // SHT_*
  uint32_t flags = 0;
  uint32_t address = 0;
  uint32_t size = 0;
};
struct Segment {
  uint32_t type = 0;  // PT_*
  uint32_t vaddr = 0, paddr = 0, filesz = 0, memsz = 0;
};
struct ElfLayout {
  std::vector<Section> sections;
  std::vector<Segment> segments;
  std::vector<uint8_t> bytes;  // the whole file
  uint32_t entry = 0;
};
// Throws std::runtime_error naming the file on unreadable or non-ELF32-LE input.
ElfLayout elf_layout(const std::string& elf_path);

// Machine state at the breakpoint as seen by one simulator.
struct StopState {
  std::array<uint32_t, 16> regs{};  // R0 (PC) .. R15
  std::vector<uint8_t> memory;      // the dumped range
};

// Output and exit status of a shell command (stdout and stderr together).
struct CommandResult {
  std::string output;
  int status = -1;
};
CommandResult run_command(const std::string& command);

std::string shell_quote(const std::string& s);
bool mspdebug_available();

// `mspdebug -n sim "prog ELF" "setbreak BREAK" "run" "regs" "md ADDR LEN"`, parsed. Throws with
// the tool's output when the breakpoint is not reached or the output cannot be parsed.
StopState run_mspdebug(const std::string& elf, const std::string& breakpoint, uint16_t address,
                       uint16_t length, unsigned timeout_s = 60);

// `ehsim exec ELF --json --until BREAK --dump ADDR:LEN`, parsed from its JSON object.
struct EhsimResult {
  StopState state;
  std::string exit_reason;
  std::optional<int64_t> exit_code;
  std::string uart;
  std::string host_log;
  uint64_t cycles = 0;
  uint64_t instructions = 0;
};
EhsimResult run_ehsim(const std::string& elf, const std::string& until, uint16_t address,
                      uint16_t length);
// Without --until: runs to the firmware's host_io exit.
EhsimResult run_ehsim_to_exit(const std::string& elf, uint16_t address, uint16_t length);

// Little-endian readers for comparing dumped memory with host-computed values.
uint16_t le16(const std::vector<uint8_t>& m, size_t offset);
uint32_t le32(const std::vector<uint8_t>& m, size_t offset);
uint64_t le64(const std::vector<uint8_t>& m, size_t offset);

std::string firmware_path(const std::string& name);

}  // namespace fwtest

#endif
