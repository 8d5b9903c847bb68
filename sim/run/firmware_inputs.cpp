#include "sim/run/firmware_inputs.h"

#include "freeml/firmware/include/freeml/model_format.h"

namespace ehsim {

bool load_at_symbol(const std::string& elf_path, const mcu::ElfImage& image, mcu::Mcu& mcu,
                    const std::string& symbol, const std::vector<uint8_t>& bytes,
                    std::string* error) {
  const mcu::FirmwareSymbol* sym = image.find_symbol(symbol);
  if (!sym) {
    *error = "no symbol '" + symbol + "' in " + elf_path;
    return false;
  }
  if (bytes.size() > sym->size) {
    *error = "has " + std::to_string(bytes.size()) + " bytes, more than the " +
             std::to_string(sym->size) + " bytes at symbol '" + symbol + "'";
    return false;
  }
  return mcu.bus().load(sym->address, bytes.data(), bytes.size(), error);
}

std::vector<mcu::Sample> host_samples(const freeml::ref::SampleSet& set, size_t first, size_t end) {
  std::vector<mcu::Sample> samples;
  for (size_t i = first; i < end && i < set.samples.size(); ++i) {
    mcu::Sample s;
    s.index = uint32_t(i);
    s.words = set.samples[i];
    s.label = set.labels[i] == FML_SAMPLE_NO_LABEL ? -1 : int(set.labels[i]);
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace ehsim
