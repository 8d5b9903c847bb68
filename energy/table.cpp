#include "energy/table.h"

#include <algorithm>
#include <stdexcept>

namespace ehsim::energy {

namespace {

void check_axis(const std::vector<double>& x, const char* what) {
  if (x.empty()) throw std::invalid_argument(std::string(what) + " must have at least one point");
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (!(x[i] > x[i - 1])) {
      throw std::invalid_argument(std::string(what) + " must be strictly increasing (entry " +
                                  std::to_string(i) + ")");
    }
  }
}

// Index i and weight w so that the value at x is (1-w)*v[i] + w*v[i+1], clamped at the ends.
void locate(const std::vector<double>& axis, double x, std::size_t& i, double& w) {
  if (axis.size() == 1 || x <= axis.front()) {
    i = 0;
    w = 0.0;
    return;
  }
  if (x >= axis.back()) {
    i = axis.size() - 2;
    w = 1.0;
    return;
  }
  i = static_cast<std::size_t>(std::upper_bound(axis.begin(), axis.end(), x) - axis.begin()) - 1;
  w = (x - axis[i]) / (axis[i + 1] - axis[i]);
}

}  // namespace

Table1D::Table1D(std::vector<double> x, std::vector<double> y)
    : x_(std::move(x)), y_(std::move(y)) {
  check_axis(x_, "table x");
  if (x_.size() != y_.size()) throw std::invalid_argument("table x and y differ in length");
}

double Table1D::operator()(double x) const {
  std::size_t i;
  double w;
  locate(x_, x, i, w);
  if (x_.size() == 1) return y_[0];
  return (1.0 - w) * y_[i] + w * y_[i + 1];
}

Table2D::Table2D(std::vector<double> x, std::vector<double> y, std::vector<std::vector<double>> z)
    : x_(std::move(x)), y_(std::move(y)), z_(std::move(z)) {
  check_axis(x_, "table rows");
  check_axis(y_, "table columns");
  if (z_.size() != x_.size()) throw std::invalid_argument("table has the wrong number of rows");
  for (const auto& row : z_) {
    if (row.size() != y_.size()) throw std::invalid_argument("table row has the wrong length");
  }
}

double Table2D::operator()(double x, double y) const {
  std::size_t i, j;
  double wx, wy;
  locate(x_, x, i, wx);
  locate(y_, y, j, wy);
  auto at = [&](std::size_t a, std::size_t b) {
    return z_[std::min(a, x_.size() - 1)][std::min(b, y_.size() - 1)];
  };
  const double lo = (1.0 - wy) * at(i, j) + wy * at(i, j + 1);
  const double hi = (1.0 - wy) * at(i + 1, j) + wy * at(i + 1, j + 1);
  return (1.0 - wx) * lo + wx * hi;
}

}  // namespace ehsim::energy
