#include "freeml/compiler/core/fixed_point.h"

#include <algorithm>
#include <cmath>

namespace freeml {

namespace {
constexpr int kMinFracBits = -16;  // scales beyond this would only arise from garbage weights
}

int choose_frac_bits(const std::vector<float>& data, int max_frac_bits) {
  float max_abs = 0.0f;
  for (float x : data) max_abs = std::max(max_abs, std::fabs(x));
  int frac = max_frac_bits;
  // Round-to-nearest must not overflow: require max_abs * 2^frac + 0.5 <= 32767.
  while (frac > kMinFracBits && std::ldexp(double(max_abs), frac) + 0.5 > 32767.0) --frac;
  return frac;
}

int16_t quantize_value(float x, int frac_bits) {
  const double scaled = std::round(std::ldexp(double(x), frac_bits));
  return int16_t(std::clamp(scaled, -32768.0, 32767.0));
}

float dequantize_value(int16_t q, int frac_bits) {
  return float(std::ldexp(double(q), -frac_bits));
}

QuantizedTensor quantize(const std::vector<float>& data, int frac_bits) {
  QuantizedTensor out;
  out.frac_bits = frac_bits;
  out.values.reserve(data.size());
  for (float x : data) out.values.push_back(quantize_value(x, frac_bits));
  return out;
}

QuantizedTensor quantize_auto(const std::vector<float>& data, int max_frac_bits) {
  return quantize(data, choose_frac_bits(data, max_frac_bits));
}

}  // namespace freeml
