// The memory budget: how much memory one Parallax process may plan to use for
// an input, checked from the input's dimensions (an image header, a video's
// stream parameters) before anything is allocated. A 27 KB PNG can declare
// 20000x20000 pixels; without this check it is decoded first and the process
// runs out of memory later, somewhere in the middle of a job.
//
// The budget is 2 GiB unless the environment variable PARALLAX_MEMORY_BUDGET
// says otherwise ("8G", "512M", "3000000000"). Jobs estimate their need as
// bytes per pixel (measured: docs/reliability.md) plus a fixed part.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parallax {

inline constexpr int64_t kDefaultMemoryBudget = int64_t{2} << 30;

// "2G" -> 2147483648; "512m", "100k", "12345" (bytes). nullopt when
// malformed or not positive.
std::optional<int64_t> ParseByteSize(std::string_view text);

// "2.0 GiB", "512 MiB".
std::string FormatBytes(int64_t bytes);

// The budget in bytes (PARALLAX_MEMORY_BUDGET or 2 GiB). A malformed
// variable throws parallax::Error naming it.
int64_t MemoryBudget();

// Largest pixel count a job that needs `bytes_per_pixel` per input pixel on
// top of `fixed_bytes` may take within the budget.
int64_t MaxPixelsWithinBudget(double bytes_per_pixel, int64_t fixed_bytes);

// Throws parallax::Error when `width` x `height` pixels at `bytes_per_pixel`
// (plus `fixed_bytes`) exceed the budget:
//   "NAME: 20000x20000 (400 Mpx) needs about 28.4 GiB for depth, over the
//    2.0 GiB memory budget (set PARALLAX_MEMORY_BUDGET=32G to allow it)"
void CheckMemoryBudget(const std::string& name, int64_t width, int64_t height,
                       double bytes_per_pixel, int64_t fixed_bytes,
                       std::string_view job);

}  // namespace parallax
