#include "sim/run/firmware_inputs.h"

#include <filesystem>
#include <fstream>

#include "freeml/firmware/include/freeml/model_format.h"
#include "sim/scenario/units.h"

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

namespace {

// Reads at most max_bytes + 1 bytes, so that an endless input (/dev/zero, a pipe) is bounded: a
// file longer than its target is refused anyway.
bool read_bytes(const std::string& path, std::vector<uint8_t>* bytes, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  bytes->resize(max_bytes + 1);
  in.read(reinterpret_cast<char*>(bytes->data()), std::streamsize(bytes->size()));
  bytes->resize(std::size_t(in.gcount()));
  return !in.bad();
}

}  // namespace

void apply_loads(const std::string& elf_path, const std::vector<LoadRequest>& loads,
                 const mcu::ElfImage& image, mcu::Mcu& mcu) {
  for (const auto& load : loads) {
    std::vector<uint8_t> bytes;
    // Nothing larger than the 1 MB address space fits anywhere.
    if (!read_bytes(load.file, &bytes, std::size_t(1) << 20)) {
      throw InputError("--load: cannot read '" + load.file + "'");
    }
    std::string error;
    if (!load.symbol.empty()) {
      if (!load_at_symbol(elf_path, image, mcu, load.symbol, bytes, &error)) {
        throw InputError("--load: '" + load.file + "': " + error);
      }
      continue;
    }
    const uint32_t capacity = mcu::kAddressSpaceEnd - load.addr;
    if (bytes.size() > capacity) {
      throw InputError("--load: '" + load.file + "' has " + std::to_string(bytes.size()) +
                       " bytes, more than the " + std::to_string(capacity) +
                       " bytes at that address");
    }
    if (!mcu.bus().load(load.addr, bytes.data(), bytes.size(), &error)) {
      throw InputError("--load: " + load.file + ": " + error);
    }
  }
}

void attach_sample_file(const std::string& path, mcu::Mcu& mcu) {
  freeml::ref::SampleSet set;
  try {
    set = freeml::ref::read_samples_file(path);
  } catch (const std::exception& e) {
    throw InputError(std::string("--samples: ") + e.what());
  }
  mcu.host_io().set_sample_source(
      std::make_shared<mcu::VectorSampleSource>(host_samples(set, 0, set.samples.size())));
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
