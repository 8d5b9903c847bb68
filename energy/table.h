// Piecewise-linear lookup tables for efficiency curves; values outside the table hold the end
// value.
#pragma once

#include <string>
#include <vector>

namespace ehsim::energy {

class Table1D {
 public:
  Table1D() = default;
  // x strictly increasing, same size as y, at least one point; throws std::invalid_argument.
  Table1D(std::vector<double> x, std::vector<double> y);
  double operator()(double x) const;
  bool empty() const { return x_.empty(); }
  std::size_t size() const { return x_.size(); }

 private:
  std::vector<double> x_, y_;
};

// z(x, y) by bilinear interpolation on a grid; z[i][j] belongs to x[i], y[j].
class Table2D {
 public:
  Table2D() = default;
  Table2D(std::vector<double> x, std::vector<double> y, std::vector<std::vector<double>> z);
  double operator()(double x, double y) const;
  bool depends_on_x() const { return x_.size() > 1; }

 private:
  std::vector<double> x_, y_;
  std::vector<std::vector<double>> z_;
};

}  // namespace ehsim::energy
