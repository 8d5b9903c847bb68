#include "sim/debug/backtrace.h"

#include <cstdio>

namespace ehsim {

namespace {

constexpr unsigned kMaxScanWords = 1024;

// Whether the instruction ending at `ret` is a CALL (16-bit return address) - SLAU367 §4.6.2.9,
// Format II opcode 0x1280 | As << 4 | Rsrc: register and indirect modes are one word, indexed,
// symbolic, absolute and immediate have an extension word.
bool follows_call(mcu::Bus& bus, uint32_t ret) {
  if (ret < 4) return false;
  const uint16_t one = bus.peek_word(ret - 2), two = bus.peek_word(ret - 4);
  const bool short_call = (one & 0xFFC0) == 0x1280 && ((one >> 4) & 3) != 1 &&
                          !(((one >> 4) & 3) == 3 && (one & 0xF) == 0);
  const bool long_call = (two & 0xFFF0) == 0x1290 || two == 0x12B0;  // x(Rn)/EDE/&EDE, #imm
  return short_call || long_call;
}

// Whether the instruction ending at `ret` is a CALLA (20-bit return address) - SLAU367 §4.6.3.3:
// 0x134r Rdst, 0x136r @Rdst, 0x137r @Rdst+ (one word); 0x135r x(Rdst), 0x138x &abs20, 0x139x
// EDE, 0x13Bx #imm20 (two words).
bool follows_calla(mcu::Bus& bus, uint32_t ret) {
  if (ret < 4) return false;
  const uint16_t one = bus.peek_word(ret - 2), two = bus.peek_word(ret - 4);
  const unsigned form1 = (one >> 4) & 0xFFF, form2 = (two >> 4) & 0xFFF;
  return form1 == 0x134 || form1 == 0x136 || form1 == 0x137 || form2 == 0x135 || form2 == 0x138 ||
         form2 == 0x139 || form2 == 0x13B;
}

}  // namespace

std::vector<StackFrame> scan_stack(mcu::Bus& bus, uint32_t sp, size_t max_frames) {
  std::vector<StackFrame> frames;
  const mcu::Region* stack = bus.map().find(sp);
  if (!stack || stack->kind != mcu::RegionKind::kSram) return frames;
  const uint32_t top = stack->end();
  auto is_code = [&](uint32_t a) {
    const mcu::Region* r = bus.map().find(a);
    return r && (r->kind == mcu::RegionKind::kFram || r->kind == mcu::RegionKind::kRom) &&
           (a & 1) == 0;
  };
  uint32_t a = sp & ~1u;
  for (unsigned n = 0; n < kMaxScanWords && a + 2 <= top && frames.size() < max_frames; ++n) {
    const uint16_t low = bus.peek_word(a);
    if (a + 4 <= top) {
      const uint32_t wide = low | (uint32_t(bus.peek_word(a + 2) & 0xF) << 16);
      if (wide >= 0x10000 && is_code(wide) && follows_calla(bus, wide)) {
        frames.push_back({wide, a});
        a += 4;
        continue;
      }
    }
    if (is_code(low) && (follows_call(bus, low) || follows_calla(bus, low))) {
      frames.push_back({low, a});
      a += follows_call(bus, low) ? 2 : 4;
      continue;
    }
    a += 2;
  }
  return frames;
}

std::string format_backtrace(mcu::Bus& bus, uint32_t pc, uint32_t sp,
                             const FirmwareSymbols& symbols) {
  char line[160];
  std::snprintf(line, sizeof line, "#0  0x%05X %s\n", unsigned(pc), symbols.symbolize(pc).c_str());
  std::string out = line;
  int n = 1;
  for (const StackFrame& f : scan_stack(bus, sp, 32)) {
    const std::string where = symbols.symbolize(f.return_address);
    std::snprintf(line, sizeof line, "#%-2d 0x%05X %s  (return address at 0x%04X)\n", n++,
                  unsigned(f.return_address), where.c_str(), unsigned(f.stack_address));
    out += line;
    // Above main's frame lie only the startup code's call and stale words: stop, as GDB does.
    if (where == "main" || where.rfind("main+", 0) == 0) break;
  }
  return out;
}

}  // namespace ehsim
