#include "sim/run/firmware_inputs.h"

#include <fstream>
#include <iterator>

#include "freeml/firmware/include/freeml/model_format.h"
#include "sim/cli/exec_args.h"

namespace ehsim {

bool load_at_symbol(const std::string& elf_path, const mcu::ElfImage& image, mcu::Mcu& mcu,
                    const std::string& symbol, const std::vector<uint8_t>& bytes,
                    std::string* error) {
  const auto addr = image.symbol(symbol);
  if (!addr) {
    *error = "no symbol '" + symbol + "' in " + elf_path;
    return false;
  }
  // The loaded image keeps addresses only; the symbol's size comes from the file's .symtab.
  std::ifstream in(elf_path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + elf_path;
    return false;
  }
  const std::vector<uint8_t> elf{std::istreambuf_iterator<char>(in), {}};
  uint32_t capacity = 0;
  std::string why;
  if (!elf_symbol_size(elf, symbol, &capacity, &why)) {
    *error = elf_path + ": " + why;
    return false;
  }
  if (bytes.size() > capacity) {
    *error = "has " + std::to_string(bytes.size()) + " bytes, more than the " +
             std::to_string(capacity) + " bytes at symbol '" + symbol + "'";
    return false;
  }
  return mcu.bus().load(*addr, bytes.data(), bytes.size(), error);
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
