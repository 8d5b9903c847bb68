#include "firmware_harness.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace fwtest {
namespace {

uint32_t rd32(const std::vector<uint8_t>& b, size_t off) {
  return uint32_t(b.at(off)) | uint32_t(b.at(off + 1)) << 8 | uint32_t(b.at(off + 2)) << 16 |
         uint32_t(b.at(off + 3)) << 24;
}
uint16_t rd16(const std::vector<uint8_t>& b, size_t off) {
  return uint16_t(b.at(off) | b.at(off + 1) << 8);
}

std::string hex16(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

std::vector<uint8_t> parse_hex_bytes(const std::string& text, const std::string& what) {
  std::string digits;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) digits += c;
  if (digits.size() % 2 != 0) throw std::runtime_error(what + ": odd number of hex digits");
  std::vector<uint8_t> out;
  for (size_t i = 0; i < digits.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("cannot start: " + command);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool mspdebug_available() {
  return run_command("command -v mspdebug").status == 0;
}

std::string firmware_path(const std::string& name) {
  return std::string(EHSIM_FIRMWARE_DIR) + "/" + name + ".elf";
}

static std::vector<uint8_t> read_elf32(const std::string& elf_path) {
  std::ifstream in(elf_path, std::ios::binary);
  if (!in) throw std::runtime_error(elf_path + ": cannot open");
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (b.size() < 52 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F' || b[4] != 1 ||
      b[5] != 1)
    throw std::runtime_error(elf_path + ": not a little-endian ELF32 file");
  return b;
}

ElfLayout elf_layout(const std::string& elf_path) {
  ElfLayout l;
  l.bytes = read_elf32(elf_path);
  const auto& b = l.bytes;
  l.entry = rd32(b, 24);
  uint32_t phoff = rd32(b, 28), shoff = rd32(b, 32);
  uint16_t phentsize = rd16(b, 42), phnum = rd16(b, 44);
  uint16_t shentsize = rd16(b, 46), shnum = rd16(b, 48), shstrndx = rd16(b, 50);
  for (uint16_t i = 0; i < phnum; ++i) {
    size_t ph = phoff + size_t(i) * phentsize;
    l.segments.push_back(
        {rd32(b, ph), rd32(b, ph + 8), rd32(b, ph + 12), rd32(b, ph + 16), rd32(b, ph + 20)});
  }
  uint32_t shstr = rd32(b, shoff + size_t(shstrndx) * shentsize + 16);
  for (uint16_t i = 0; i < shnum; ++i) {
    size_t sh = shoff + size_t(i) * shentsize;
    Section s;
    s.name = reinterpret_cast<const char*>(&b.at(shstr + rd32(b, sh)));
    s.type = rd32(b, sh + 4);
    s.flags = rd32(b, sh + 8);
    s.address = rd32(b, sh + 12);
    s.size = rd32(b, sh + 20);
    l.sections.push_back(s);
  }
  return l;
}

Symbol elf_symbol(const std::string& elf_path, const std::string& name) {
  std::vector<uint8_t> b = read_elf32(elf_path);
  uint32_t shoff = rd32(b, 32);
  uint16_t shentsize = rd16(b, 46), shnum = rd16(b, 48);
  for (uint16_t i = 0; i < shnum; ++i) {
    size_t sh = shoff + size_t(i) * shentsize;
    if (rd32(b, sh + 4) != 2) continue;  // SHT_SYMTAB
    uint32_t off = rd32(b, sh + 16), size = rd32(b, sh + 20), link = rd32(b, sh + 24);
    uint32_t entsize = rd32(b, sh + 36);
    uint32_t stroff = rd32(b, shoff + size_t(link) * shentsize + 16);
    for (uint32_t s = 0; entsize && s + entsize <= size; s += entsize) {
      size_t sym = off + s;
      const char* sym_name = reinterpret_cast<const char*>(&b.at(stroff + rd32(b, sym)));
      if (name == sym_name) return {uint16_t(rd32(b, sym + 4)), uint16_t(rd32(b, sym + 8))};
    }
  }
  throw std::runtime_error(elf_path + ": no symbol '" + name + "'");
}

StopState run_mspdebug(const std::string& elf, const std::string& breakpoint, uint16_t address,
                       uint16_t length, unsigned timeout_s) {
  std::string cmd = "timeout " + std::to_string(timeout_s) + " mspdebug -n sim " +
                    shell_quote("prog " + elf) + " " + shell_quote("setbreak " + breakpoint) +
                    " run regs " +
                    shell_quote("md " + hex16(address) + " " + std::to_string(length));
  CommandResult r = run_command(cmd);
  if (r.status != 0)
    throw std::runtime_error("mspdebug failed (status " + std::to_string(r.status) + "): " + cmd +
                             "\n" + r.output);
  StopState st;
  // Register dumps look like "( PC: 0400e)  ( R4: 00000) ..."; `run` prints one when the
  // breakpoint hits and `regs` another, so the last value of each register wins.
  std::regex reg_re(R"(\(\s*(PC|SP|SR|R\d+):\s*([0-9a-fA-F]+)\))");
  std::array<bool, 16> seen{};
  for (std::sregex_iterator it(r.output.begin(), r.output.end(), reg_re), end; it != end; ++it) {
    std::string n = (*it)[1];
    int idx = n == "PC" ? 0 : n == "SP" ? 1 : n == "SR" ? 2 : std::stoi(n.substr(1));
    if (idx < 0 || idx > 15) continue;
    st.regs[idx] = std::stoul((*it)[2], nullptr, 16);
    seen[idx] = true;
  }
  for (int i = 0; i < 16; ++i)
    if (!seen[i])
      throw std::runtime_error("mspdebug output has no value for R" + std::to_string(i) + ": " +
                               cmd + "\n" + r.output);
  // Memory lines: "    01f04: 2b b7 ... |+.+....|". Disassembly lines share the address prefix
  // but never end in the |ascii| column, and their addresses lie outside the dumped range.
  std::regex md_re(R"(^\s*([0-9a-fA-F]+):((?:\s[0-9a-fA-F]{2})+)\s+\|.*\|\s*$)");
  std::istringstream lines(r.output);
  std::string line;
  uint32_t next = address;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, md_re)) continue;
    uint32_t at = std::stoul(m[1], nullptr, 16);
    if (at != next || at >= uint32_t(address) + length) continue;
    std::vector<uint8_t> bytes = parse_hex_bytes(m[2], "mspdebug md line '" + line + "'");
    st.memory.insert(st.memory.end(), bytes.begin(), bytes.end());
    next = at + bytes.size();
  }
  if (st.memory.size() != length)
    throw std::runtime_error("mspdebug md returned " + std::to_string(st.memory.size()) +
                             " bytes, expected " + std::to_string(length) + ": " + cmd + "\n" +
                             r.output);
  return st;
}

static EhsimResult run_ehsim_args(const std::string& elf, const std::string& extra,
                                  uint16_t address, uint16_t length) {
  // ehsim keys the "memory" object by the ADDR part of ADDR:LEN exactly as written.
  std::string key = hex16(address);
  std::string cmd = shell_quote(EHSIM_EXECUTABLE) + " exec " + shell_quote(elf) + " --json" +
                    extra + " --dump " + key + ":" + std::to_string(length);
  // stderr is dropped here so that diagnostics cannot corrupt the JSON on stdout.
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (!p) throw std::runtime_error("cannot start: " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(out);
  } catch (const std::exception& e) {
    throw std::runtime_error("ehsim exec output is not JSON (" + std::string(e.what()) +
                             "): " + cmd + "\n" + out);
  }
  EhsimResult r;
  const auto& regs = j.at("regs");
  if (!regs.is_array() || regs.size() != 16)
    throw std::runtime_error("ehsim exec: 'regs' is not an array of 16: " + cmd + "\n" + out);
  for (size_t i = 0; i < 16; ++i) r.state.regs[i] = regs[i].get<uint32_t>();
  r.state.memory = parse_hex_bytes(j.at("memory").at(key).get<std::string>(),
                                   "ehsim exec memory[\"" + key + "\"]");
  r.exit_reason = j.value("exit_reason", "");
  if (j.contains("exit_code") && j["exit_code"].is_number_integer())
    r.exit_code = j["exit_code"].get<int64_t>();
  r.uart = j.value("uart", "");
  r.host_log = j.value("host_log", "");
  r.cycles = j.value("cycles", uint64_t(0));
  r.instructions = j.value("instructions", uint64_t(0));
  return r;
}

EhsimResult run_ehsim(const std::string& elf, const std::string& until, uint16_t address,
                      uint16_t length) {
  return run_ehsim_args(elf, " --until " + shell_quote(until), address, length);
}

EhsimResult run_ehsim_to_exit(const std::string& elf, uint16_t address, uint16_t length) {
  return run_ehsim_args(elf, "", address, length);
}

uint16_t le16(const std::vector<uint8_t>& m, size_t o) {
  return rd16(m, o);
}
uint32_t le32(const std::vector<uint8_t>& m, size_t o) {
  return rd32(m, o);
}
uint64_t le64(const std::vector<uint8_t>& m, size_t o) {
  return uint64_t(rd32(m, o)) | uint64_t(rd32(m, o + 4)) << 32;
}

}  // namespace fwtest
