#include "sim/run/profiler.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "mcu_model/power/current_model.h"
#include "sim/run/firmware_symbols.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// Frames beyond this are not pushed (a runaway recursion); their returns are matched by count.
constexpr size_t kStackCapacity = 4096;

}  // namespace

Profiler::Profiler(mcu::Mcu& mcu, const mcu::FirmwareImage& image, const DwarfLines& lines,
                   const Options& options)
    : mcu_(mcu), lines_(lines), options_(options) {
  // One function per address holding a code symbol: the names FirmwareSymbols::symbolize uses
  // (reserved "__" names only where nothing else is), the greatest name among aliases as there.
  struct Candidate {
    std::string name;
    uint32_t size;
    bool reserved;
  };
  std::map<uint32_t, Candidate> by_address;
  for (const auto& [name, symbol] : image.symbols) {
    if (name.empty() || name[0] == '.' || name[0] == '$' || starts_with(name, kMarkerSymbolPrefix))
      continue;
    const bool reserved = starts_with(name, "__");
    auto [it, fresh] =
        by_address.try_emplace(symbol.address, Candidate{name, symbol.size, reserved});
    Candidate& c = it->second;
    if (!fresh && ((c.reserved && !reserved) || (c.reserved == reserved && name > c.name))) {
      c = Candidate{name, symbol.size, reserved};
    }
  }
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // [start, end) of functions_[i]
  for (auto it = by_address.begin(); it != by_address.end(); ++it) {
    const auto next = std::next(it);
    uint32_t end = next == by_address.end() ? uint32_t(mcu::kAddressSpaceEnd) : next->first;
    if (it->second.size > 0) end = std::min(end, it->first + it->second.size);
    end = std::min(end, uint32_t(mcu::kAddressSpaceEnd));
    ranges.emplace_back(it->first, end);
    Function f;
    f.name = it->second.name;
    f.address = it->first;
    functions_.push_back(f);
  }
  const auto pseudo = [this](const char* name) {
    Function f;
    f.name = name;
    functions_.push_back(f);
    return int(functions_.size() - 1);
  };
  sleep_ = pseudo("[sleep]");
  boot_ = pseudo("[boot]");
  unknown_ = pseudo("[unknown]");
  // Regions: the functions' ranges (sorted, disjoint) and the gaps between them.
  uint32_t covered = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const auto [start, end] = ranges[i];
    if (start >= end) continue;
    if (covered < start) regions_.push_back(Region{covered, start, unknown_});
    regions_.push_back(Region{start, end, int(i)});
    covered = end;
  }
  if (covered < mcu::kAddressSpaceEnd)
    regions_.push_back(Region{covered, uint32_t(mcu::kAddressSpaceEnd), unknown_});
  region_of_.resize(mcu::kAddressSpaceEnd);
  for (size_t r = 0; r < regions_.size(); ++r) {
    std::fill(region_of_.begin() + regions_[r].start, region_of_.begin() + regions_[r].end,
              int32_t(r));
  }
  nodes_.push_back(Node{});  // the root: no function
  markers_seen_ = mcu_.host_io().markers_written();
  const mcu::BusStats& stats = mcu_.bus().stats();
  last_reads_ = stats.fram_reads;
  last_misses_ = stats.fram_reads - stats.fram_cache_hits;
  last_writes_ = stats.fram_writes;
  mclk_hz_ = mcu_.ctx().mclk_hz;
  mcu_.cpu().set_observer(this);
  mcu_.set_load_listener([this](double joules, const mcu::LoadSegment& ended,
                                const mcu::LoadSegment& next) { on_load(joules, ended, next); });
}

Profiler::~Profiler() {
  mcu_.cpu().set_observer(nullptr);
  mcu_.set_load_listener(nullptr);
}

int Profiler::child(int node, int function) {
  for (const auto& [f, n] : nodes_[size_t(node)].children) {
    if (f == function) return n;
  }
  const int n = int(nodes_.size());
  nodes_.push_back(Node{node, function, 0, {}});
  nodes_[size_t(node)].children.emplace_back(function, n);
  return n;
}

void Profiler::run_in(int function, uint64_t instructions, uint64_t cycles) {
  // The executing function's node: a jump into another function (a tail call, code falling
  // through) replaces the leaf, as the callee returns to the caller's caller.
  if (nodes_[size_t(current_)].function != function) {
    current_ = child(std::max(nodes_[size_t(current_)].parent, 0), function);
  }
  account(function, cycles);
  functions_[size_t(function)].instructions += instructions;
}

void Profiler::account(int function, uint64_t cycles) {
  Function& fn = functions_[size_t(function)];
  // Lazy snapshots: the first cycles after a progress point or stretch boundary record where the
  // function stood, so those boundaries cost nothing per function.
  if (fn.commit_epoch != commit_epoch_) {
    fn.commit_epoch = commit_epoch_;
    fn.cycles_at_commit = fn.cycles;
  }
  if (fn.segment_epoch != segment_epoch_) {
    fn.segment_epoch = segment_epoch_;
    fn.cycles_at_segment = fn.cycles;
    fn.reads_at_segment = fn.fram_reads;
    fn.misses_at_segment = fn.fram_misses;
    fn.writes_at_segment = fn.fram_writes;
    segment_touched_.push_back(function);
  }
  fn.cycles += cycles;
  nodes_[size_t(current_)].cycles += cycles;
}

mcu::InstructionObserver::Span Profiler::on_instruction(uint32_t pc, uint16_t op, uint32_t next_pc,
                                                        uint64_t before, uint64_t after) {
  const int f = function_at(pc);
  run_in(f, 1, after - before);
  add_fram_traffic(functions_[size_t(f)]);
  transfer(op, next_pc);
  after_instructions();
  // The fast loop may run on through the function at next_pc.
  const Region& r = region_at(next_pc);
  run_function_ = r.function;
  return Span{r.start, r.end};
}

void Profiler::on_run(const Run& run) {
  // All in run_function_, in one node: only a control transfer (the last instruction, if any)
  // changes the call stack, and the CPU stops at any other function's first instruction.
  const uint64_t from = std::max(run.before, accounted_to_);
  accounted_to_ = 0;
  run_in(run_function_, run.instructions, run.after - from);
  add_fram_traffic(functions_[size_t(run_function_)]);
  transfer(run.transfer_op, run.next_pc);
  after_instructions();
}

void Profiler::account_unreported_run() {
  const uint64_t start = mcu_.cpu().observed_run_start();
  if (start == mcu::Cpu::kNoObservedRun) return;
  const uint64_t from = std::max(start, accounted_to_);
  const uint64_t to = mcu_.ctx().cycles;
  if (to <= from) return;
  run_in(run_function_, 0, to - from);  // the instructions are counted when the run is reported
  accounted_to_ = to;
}

void Profiler::transfer(uint16_t op, uint32_t next_pc) {
  switch (mcu::control_transfer(op)) {
    case mcu::ControlTransfer::kCall:
      if (mcu_.ctx().fault.kind == mcu::FaultKind::kNone) enter(function_at(next_pc), false);
      break;
    case mcu::ControlTransfer::kReturn:
      leave(false);
      break;
    case mcu::ControlTransfer::kReti:
      leave(true);
      break;
    case mcu::ControlTransfer::kNone:
      break;
  }
}

void Profiler::after_instructions() {
  if (mcu_.host_io().markers_written() != markers_seen_) check_markers();
  check_clock();
}

void Profiler::check_clock() {
  // exec: what ran so far ran at the old MCLK (the instruction that changed it included).
  if (!options_.on_supply && mcu_.ctx().mclk_hz != mclk_hz_) {
    charge_continuous();
    mclk_hz_ = mcu_.ctx().mclk_hz;
  }
}

void Profiler::on_interrupt(uint32_t, uint32_t isr, uint64_t before, uint64_t after) {
  const int f = function_at(isr);
  enter(f, true);
  account(f, after - before);  // the entry's 6 cycles (and its vector read) are the handler's
  add_fram_traffic(functions_[size_t(f)]);
}

void Profiler::add_fram_traffic(Function& fn) {
  const mcu::BusStats& s = mcu_.bus().stats();
  const uint64_t misses = s.fram_reads - s.fram_cache_hits;
  fn.fram_reads += s.fram_reads - last_reads_;
  fn.fram_misses += misses - last_misses_;
  fn.fram_writes += s.fram_writes - last_writes_;
  last_reads_ = s.fram_reads;
  last_misses_ = misses;
  last_writes_ = s.fram_writes;
}

void Profiler::enter(int function, bool interrupt) {
  ++functions_[size_t(function)].calls;
  if (stack_.size() >= kStackCapacity) {
    ++dropped_frames_;
    return;
  }
  stack_.push_back(Frame{current_, interrupt});
  if (stack_.size() <= kMaxDepth) current_ = child(current_, function);
}

void Profiler::leave(bool interrupt) {
  if (dropped_frames_ > 0) {
    --dropped_frames_;
    return;
  }
  // RETI unwinds to the interrupted frame (an ISR may leave calls unbalanced, e.g. by a
  // longjmp); RET pops one frame. Unmatched returns (none pushed since boot) change nothing.
  while (!stack_.empty()) {
    const Frame frame = stack_.back();
    stack_.pop_back();
    current_ = frame.node;
    if (!interrupt || frame.interrupt) break;
  }
}

void Profiler::reset_stack() {
  stack_.clear();
  dropped_frames_ = 0;
  current_ = 0;
}

void Profiler::commit() {
  ++commit_epoch_;
}

void Profiler::power_lost() {
  // Re-execution: what every function ran since the last progress point is lost.
  for (Function& fn : functions_) {
    if (fn.commit_epoch == commit_epoch_) fn.reexecuted += fn.cycles - fn.cycles_at_commit;
  }
  commit();
  reset_stack();
}

void Profiler::check_markers() {
  const uint64_t written = mcu_.host_io().markers_written();
  const uint64_t fresh = written - markers_seen_;
  markers_seen_ = written;
  if (!options_.commit_marker) {
    commit();
    return;
  }
  // The newest `fresh` markers are at the log's end (its readers empty it only between
  // instructions, and this runs after every instruction that may write one: a peripheral write
  // ends the CPU's fast loop).
  const auto& log = mcu_.log().markers;
  const size_t n = size_t(std::min<uint64_t>(fresh, log.size()));
  for (size_t i = log.size() - n; i < log.size(); ++i) {
    if (log[i].id == *options_.commit_marker) {
      commit();
      return;
    }
  }
}

void Profiler::on_event(const mcu::McuEvent& event) {
  // (Power losses, boots and resets come between CPU runs: nothing is unreported then.)
  switch (event.kind) {
    case mcu::McuEventKind::kPowerLoss:
      power_lost();
      // Cycles run in a stretch of zero duration were never booked; they are gone with the power.
      ++segment_epoch_;
      segment_touched_.clear();
      break;
    case mcu::McuEventKind::kBoot:
      commit();  // boot is where work starts again
      reset_stack();
      check_clock();  // CS came out of reset
      break;
    case mcu::McuEventKind::kReset:
      reset_stack();  // a PUC keeps power: the work done since the last progress point stands
      check_clock();
      break;
    default:
      break;
  }
}

void Profiler::on_load(double joules, const mcu::LoadSegment& ended, const mcu::LoadSegment& next) {
  account_unreported_run();  // the MCU books up to the present cycle (ADC: inside an instruction)
  if (joules != 0) {
    if (ended.charge_C > 0) {
      // The stretch's energy in the proportions of its charge: boot, low-power, and the rest
      // (active, peripherals, events) to the functions in proportion to their cycles in it.
      const double boot_J = joules * (ended.boot_C / ended.charge_C);
      const double sleep_J = joules * (ended.low_power_C / ended.charge_C);
      const double active_J = joules - boot_J - sleep_J;
      functions_[size_t(boot_)].energy_J += boot_J;
      functions_[size_t(sleep_)].energy_J += sleep_J;
      uint64_t total = 0;
      for (const auto& [f, c] : ended_cycles_) total += c;
      if (total == 0) {
        functions_[size_t(sleep_)].energy_J += active_J;  // peripherals while the CPU slept
      } else {
        for (const auto& [f, c] : ended_cycles_) {
          functions_[size_t(f)].energy_J += active_J * (double(c) / double(total));
        }
      }
    } else {
      functions_[size_t(unknown_)].energy_J += joules;  // a load without a charge: never expected
    }
  }
  ended_cycles_.clear();
  if (!next.stretch) return;
  // The new stretch's instructions have run: they are the cycles since the last stretch began.
  for (const int f : segment_touched_) {
    const Function& fn = functions_[size_t(f)];
    if (fn.cycles > fn.cycles_at_segment)
      ended_cycles_.emplace_back(f, fn.cycles - fn.cycles_at_segment);
  }
  segment_touched_.clear();
  ++segment_epoch_;
}

void Profiler::charge_continuous() {
  if (options_.on_supply) return;
  // Per function and MCLK period: the current model's charge of the function's own activity
  // (its cycles, FRAM reads, misses and writes; the model charges each piece at its own hit
  // ratio) times the voltage. Low-power time is not charged: on continuous power the MCU tells
  // nobody how long it slept.
  const double vcc = options_.continuous_vcc_V;
  for (const int f : segment_touched_) {
    Function& fn = functions_[size_t(f)];
    mcu::power::IntervalActivity a;
    a.mclk_hz = mclk_hz_;
    a.vcc_V = vcc;
    a.active_cycles = fn.cycles - fn.cycles_at_segment;
    a.fram_reads = fn.fram_reads - fn.reads_at_segment;
    a.fram_cache_hits = a.fram_reads - (fn.fram_misses - fn.misses_at_segment);
    a.fram_writes = fn.fram_writes - fn.writes_at_segment;
    fn.energy_J += mcu::power::CurrentModel::charge(a).charge_C * vcc;
  }
  segment_touched_.clear();
  ++segment_epoch_;
}

nlohmann::ordered_json Profiler::json(const std::string& firmware) {
  charge_continuous();
  std::vector<const Function*> order;
  for (const Function& fn : functions_) {
    if (fn.calls || fn.instructions || fn.cycles || fn.energy_J != 0 || fn.reexecuted)
      order.push_back(&fn);
  }
  std::sort(order.begin(), order.end(), [](const Function* a, const Function* b) {
    if (a->cycles != b->cycles) return a->cycles > b->cycles;
    if (a->name != b->name) return a->name < b->name;
    return a->address < b->address;
  });
  uint64_t instructions = 0, cycles = 0, misses = 0, reexecuted = 0;
  double energy = 0;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Function* fn : order) {
    instructions += fn->instructions;
    cycles += fn->cycles;
    misses += fn->fram_misses;
    reexecuted += fn->reexecuted;
    energy += fn->energy_J;
    nlohmann::ordered_json j;
    j["function"] = fn->name;
    const bool pseudo = fn->name.front() == '[';
    const SourceLine* line = pseudo ? nullptr : lines_.find(fn->address);
    j["file"] = line ? nlohmann::ordered_json(line->file) : nlohmann::ordered_json();
    j["line"] = line ? nlohmann::ordered_json(line->line) : nlohmann::ordered_json();
    j["calls"] = fn->calls;
    j["instructions"] = fn->instructions;
    j["cycles"] = fn->cycles;
    j["energy_J"] = fn->energy_J;
    j["fram_cache_misses"] = fn->fram_misses;
    j["reexecuted_cycles"] = fn->reexecuted;
    list.push_back(std::move(j));
  }
  nlohmann::ordered_json doc;
  doc["schema"] = "ehsim-profile-1";
  doc["firmware"] = firmware;
  doc["totals"] = {{"instructions", instructions},
                   {"cycles", cycles},
                   {"energy_J", energy},
                   {"fram_cache_misses", misses},
                   {"reexecuted_cycles", reexecuted}};
  doc["functions"] = std::move(list);
  return doc;
}

std::string Profiler::folded() const {
  std::vector<std::string> lines;
  for (size_t i = 1; i < nodes_.size(); ++i) {
    if (nodes_[i].cycles == 0) continue;
    std::string path;
    for (int n = int(i); n > 0; n = nodes_[size_t(n)].parent) {
      const std::string& name = functions_[size_t(nodes_[size_t(n)].function)].name;
      path = path.empty() ? name : name + ";" + path;
    }
    lines.push_back(path + " " + std::to_string(nodes_[i].cycles));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

void Profiler::write(const std::string& dir, const std::string& firmware) {
  const auto write_file = [&dir](const char* name, const std::string& text) {
    const std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush()) throw InputError(path + ": cannot write");
  };
  write_file("profile.json", json(firmware).dump(2) + "\n");
  write_file("profile.folded", folded());
}

}  // namespace ehsim
