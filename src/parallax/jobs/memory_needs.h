// What each command needs in memory per pixel of its input image, checked
// against the memory budget (util/memory_budget.h) from the image header
// before it is decoded. Measured with `/usr/bin/time -f %M` on a 6000x4000
// JPEG with the shipped model, minus the ~0.4 GiB a 160x120 photo takes
// (libraries, model, network activations): docs/reliability.md. Rounded up.
#pragma once

#include <cstdint>

#include "parallax/io/image_io.h"

namespace parallax {

// Libraries, the model and the network's activations at its input size.
inline constexpr int64_t kCommandFixedBytes = int64_t{512} << 20;

inline constexpr double kDepthBytesPerPixel = 12;    // measured 10.4
inline constexpr double kStereoBytesPerPixel = 48;   // measured 43.5
inline constexpr double kFogBytesPerPixel = 24;      // measured 21.7
inline constexpr double kDefocusBytesPerPixel = 64;  // measured 57.7
inline constexpr double kCompositeBytesPerPixel = 48;

inline ImageLimits CommandImageLimits(const char* command,
                                      double bytes_per_pixel) {
  return JobImageLimits(command, bytes_per_pixel, kCommandFixedBytes);
}

}  // namespace parallax
