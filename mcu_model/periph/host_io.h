// host_io @0x0F00: the simulator's stand-in for a sensor and a debug link. Layout shared with
// freeml/firmware/include/ehsim/host_io.h — keep both in step.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "mcu_model/periph/output_log.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

// One input sample as the sensor delivers it (freeml/FORMAT.md "Sample file").
struct Sample {
  uint32_t index = 0;  // position in its dataset
  std::vector<int16_t> words;
  int label = -1;  // -1: unknown
};

// Where host_io's samples come from: `ehsim exec --samples FILE` reads a file in order; a
// scenario may choose another order, or a sensor that produces one sample per period.
enum class SampleStatus { kReady, kNotYet, kExhausted };

class SampleSource {
 public:
  virtual ~SampleSource() = default;
  // The sample the firmware gets when it asks at simulated time now_s. kNotYet: none has
  // arrived since the last one handed out; wait_s() then says how long until the next does.
  virtual SampleStatus next(Sample* sample, double now_s) = 0;
  virtual double wait_s(double /*now_s*/) const { return 0.0; }
  // Makes the source as it was after handing out `handed_out` samples (ehsim check restores a
  // state of the reference run); false when it cannot (a source that depends on time).
  virtual bool seek(uint64_t /*handed_out*/) { return false; }
};

// Hands out a fixed list in order.
class VectorSampleSource : public SampleSource {
 public:
  explicit VectorSampleSource(std::vector<Sample> samples) : samples_(std::move(samples)) {}
  SampleStatus next(Sample* sample, double now_s) override;
  bool seek(uint64_t handed_out) override {
    next_ = size_t(std::min<uint64_t>(handed_out, samples_.size()));
    return true;
  }

 private:
  std::vector<Sample> samples_;
  size_t next_ = 0;
};

class HostIo : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x0F00;
  static constexpr uint16_t kId = 0x00, kOut = 0x02, kMark = 0x04, kExit = 0x06, kMarkArg = 0x08;
  // Input samples: write SAMPLE_REQ to make the next sample current (read: 1 if one is, 0 when
  // the source is exhausted, 2 when the next sample has not arrived yet), then read its index,
  // size and words (SAMPLE_DATA auto-increments; 0 past the end). After a 2, SAMPLE_WAIT says
  // how many VLO ticks (Cs::kVloHz) until it arrives, at most 0xFFFF.
  static constexpr uint16_t kSampleReq = 0x0A, kSampleIndex = 0x0C, kSampleWords = 0x0E,
                            kSampleData = 0x10, kSampleIndexHi = 0x12, kSampleWait = 0x14;
  static constexpr uint16_t kIdValue = 0x4E48;  // "HN"

  // A sample handed to the firmware, for observers (accuracy, missed samples).
  struct Delivery {
    uint64_t cycle = 0;
    uint32_t index = 0;
    int label = -1;
  };

  HostIo(McuContext& ctx, OutputLog& log);

  uint16_t read_word(uint16_t offset) override;
  uint16_t peek_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void write_byte(uint16_t offset, uint8_t value) override;
  void reset_power_up() override;

  bool exited() const { return exited_; }
  void clear_exit() { exited_ = false; }
  // Markers written since construction. The log may be emptied by its readers; this count lets an
  // observer that checks after every instruction (the profiler) find the newest ones at its end.
  uint64_t markers_written() const { return markers_written_; }

  void set_sample_source(std::shared_ptr<SampleSource> source) { source_ = std::move(source); }
  SampleSource* sample_source() const { return source_.get(); }
  // Simulated time at the current instruction, for sources that depend on it.
  void set_clock(std::function<double()> now_s) { now_s_ = std::move(now_s); }
  const std::vector<Delivery>& deliveries() const { return deliveries_; }

 private:
  OutputLog& log_;
  uint16_t mark_arg_ = 0;
  uint64_t markers_written_ = 0;
  bool exited_ = false;
  std::shared_ptr<SampleSource> source_;
  Sample sample_;
  std::function<double()> now_s_;
  bool sample_valid_ = false;
  bool sample_pending_ = false;  // the last request found no sample yet
  uint16_t sample_wait_ticks_ = 0;
  size_t sample_pos_ = 0;
  std::vector<Delivery> deliveries_;
};

}  // namespace ehsim::mcu
