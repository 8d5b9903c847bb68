// Float -> 16-bit fixed point with a per-tensor power-of-two scale (value = q * 2^-frac_bits).
#pragma once

#include <cstdint>
#include <vector>

namespace freeml {

struct QuantizedTensor {
  std::vector<int16_t> values;
  int frac_bits = 0;  // value = q / 2^frac_bits
};

// The largest number of fraction bits (capped at `max_frac_bits`) such that every |x| in `data`
// still fits in int16 after rounding. The widest-range element decides the scale for the tensor.
int choose_frac_bits(const std::vector<float>& data, int max_frac_bits = 15);

// Round-to-nearest (ties away from zero) with saturation to [-32768, 32767]. For values inside
// the representable range the error is at most 2^-(frac_bits+1).
int16_t quantize_value(float x, int frac_bits);
float dequantize_value(int16_t q, int frac_bits);

QuantizedTensor quantize(const std::vector<float>& data, int frac_bits);
// Chooses frac_bits with choose_frac_bits, then quantizes.
QuantizedTensor quantize_auto(const std::vector<float>& data, int max_frac_bits = 15);

}  // namespace freeml
