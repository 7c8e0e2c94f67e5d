#include "parallax/effects/aperture.h"

#include <cmath>
#include <numbers>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// Whether (x, y) lies inside the aperture of unit radius (circumradius for
// polygons).
bool InsideUnitAperture(double x, double y, const ApertureShape& shape) {
  if (shape.blades == 0) return x * x + y * y <= 1.0;
  // A regular polygon: inside when within the apothem along the normal of
  // every edge. The first vertex points up at rotation 0.
  const double step = 2 * std::numbers::pi / shape.blades;
  const double base = shape.rotation * std::numbers::pi / 180.0 +
                      std::numbers::pi / 2 + step / 2;
  const double apothem = std::cos(step / 2);
  for (int k = 0; k < shape.blades; ++k) {
    const double angle = base + k * step;
    // Image rows grow downwards: flip y so rotation is counter-clockwise.
    if (x * std::cos(angle) - y * std::sin(angle) > apothem) return false;
  }
  return true;
}

}  // namespace

void ApertureShape::Check() const {
  if (blades != 0 && (blades < 3 || blades > 16)) {
    ThrowError("--blades must be 0 (circular) or 3..16, got {}", blades);
  }
  if (!std::isfinite(rotation)) ThrowError("--rotation must be finite");
}

cv::Mat ApertureKernel(double radius, const ApertureShape& shape) {
  shape.Check();
  if (!(radius >= 0) || !std::isfinite(radius)) {
    ThrowError("aperture radius must be >= 0, got {}", radius);
  }
  if (radius < 0.5) return cv::Mat(1, 1, CV_32F, cv::Scalar(1));
  const int half = static_cast<int>(std::ceil(radius));
  const int side = 2 * half + 1;
  constexpr int kSub = 4;  // 4 x 4 samples per pixel for the coverage
  cv::Mat kernel(side, side, CV_32F);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      int covered = 0;
      for (int sy = 0; sy < kSub; ++sy) {
        for (int sx = 0; sx < kSub; ++sx) {
          const double px = (x - half + (sx + 0.5) / kSub - 0.5) / radius;
          const double py = (y - half + (sy + 0.5) / kSub - 0.5) / radius;
          covered += InsideUnitAperture(px, py, shape) ? 1 : 0;
        }
      }
      kernel.at<float>(y, x) = static_cast<float>(covered);
    }
  }
  const double total = cv::sum(kernel)[0];
  if (total <= 0) return cv::Mat(1, 1, CV_32F, cv::Scalar(1));
  kernel /= total;
  return kernel;
}

}  // namespace parallax
