#include "mcu_model/periph/host_io.h"

#include <algorithm>
#include <cmath>

#include "mcu_model/periph/cs.h"

namespace ehsim::mcu {

SampleStatus VectorSampleSource::next(Sample* sample, double /*now_s*/) {
  if (next_ >= samples_.size()) return SampleStatus::kExhausted;
  *sample = samples_[next_++];
  return SampleStatus::kReady;
}

HostIo::HostIo(McuContext& ctx, OutputLog& log)
    : Peripheral("host_io", kBase, 0x40, ctx), log_(log) {}

void HostIo::reset_power_up() {
  mark_arg_ = 0;
  // A sensor reading does not survive power loss: the firmware must ask again.
  sample_valid_ = false;
  sample_pending_ = false;
  sample_pos_ = 0;
}

uint16_t HostIo::peek_word(uint16_t offset) {
  // SAMPLE_DATA advances on read: a dump must not consume a word.
  if (offset == kSampleData) {
    return (sample_valid_ && sample_pos_ < sample_.words.size())
               ? uint16_t(sample_.words[sample_pos_])
               : 0;
  }
  return read_word(offset);
}

uint16_t HostIo::read_word(uint16_t offset) {
  switch (offset) {
    case kId:
      return kIdValue;
    case kMarkArg:
      return mark_arg_;
    case kSampleReq:
      return sample_valid_ ? 1 : sample_pending_ ? 2 : 0;
    case kSampleWait:
      return sample_pending_ ? sample_wait_ticks_ : 0;
    case kSampleIndex:
      return sample_valid_ ? uint16_t(sample_.index) : 0;
    case kSampleIndexHi:
      return sample_valid_ ? uint16_t(sample_.index >> 16) : 0;
    case kSampleWords:
      return sample_valid_ ? uint16_t(sample_.words.size()) : 0;
    case kSampleData:
      if (!sample_valid_ || sample_pos_ >= sample_.words.size()) return 0;
      return uint16_t(sample_.words[sample_pos_++]);
    default:
      return 0;
  }
}

void HostIo::write_word(uint16_t offset, uint16_t value) {
  switch (offset) {
    case kOut:
      log_.host_text.push_back(char(value & 0xFF));
      break;
    case kMarkArg:
      mark_arg_ = value;
      break;
    case kMark:
      log_.markers.push_back({ctx().cycles, value, mark_arg_});
      ++markers_written_;
      break;
    case kExit:
      exited_ = true;
      ctx().exit_code = value;
      ctx().stop_reason = StopReason::kHostExit;
      ctx().stop_requested = true;
      break;
    case kSampleReq:
      sample_pos_ = 0;
      sample_valid_ = false;
      sample_pending_ = false;
      if (source_) {
        const double now_s = now_s_ ? now_s_() : 0.0;
        const SampleStatus status = source_->next(&sample_, now_s);
        sample_valid_ = status == SampleStatus::kReady;
        sample_pending_ = status == SampleStatus::kNotYet;
        if (sample_pending_) {
          // Rounded up so the firmware never wakes before the sample is there.
          const double ticks = std::ceil(source_->wait_s(now_s) * Cs::kVloHz);
          sample_wait_ticks_ = uint16_t(std::clamp(ticks, 1.0, 65535.0));
        }
      }
      if (sample_valid_) deliveries_.push_back({ctx().cycles, sample_.index, sample_.label});
      break;
    default:
      break;
  }
}

void HostIo::write_byte(uint16_t offset, uint8_t value) {
  // Byte writes carry the byte zero-extended (host_io.h: "byte or word, low byte used").
  if (offset & 1) return;
  write_word(offset, value);
}

}  // namespace ehsim::mcu
