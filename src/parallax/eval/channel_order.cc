#include "parallax/eval/channel_order.h"

#include <cctype>

#include "parallax/util/check.h"

namespace parallax {

cv::Vec3i ParseChannelOrder(const std::string& order) {
  cv::Vec3i rgb_order{-1, -1, -1};
  bool seen[3] = {false, false, false};
  bool valid = order.size() == 3;
  for (size_t c = 0; valid && c < 3; ++c) {
    const char name =
        static_cast<char>(std::tolower(static_cast<unsigned char>(order[c])));
    const int index = name == 'r' ? 0 : name == 'g' ? 1 : name == 'b' ? 2 : -1;
    valid = index >= 0 && !seen[index];
    if (valid) {
      seen[index] = true;
      rgb_order[static_cast<int>(c)] = index;
    }
  }
  if (!valid) {
    ThrowError(
        "--channel-order must be a permutation of r, g and b (rgb, rbg, "
        "grb, gbr, brg, bgr), not '{}'",
        order);
  }
  return rgb_order;
}

cv::Mat ReorderColorChannels(const cv::Mat& bgr, const cv::Vec3i& rgb_order) {
  THROW_CHECK_EQ(bgr.channels(), 3);
  // RGB index c lives at BGR index 2 - c.
  int from_to[6];
  for (int c = 0; c < 3; ++c) {
    THROW_CHECK(rgb_order[c] >= 0 && rgb_order[c] < 3);
    from_to[2 * c] = 2 - rgb_order[c];
    from_to[2 * c + 1] = 2 - c;
  }
  cv::Mat reordered(bgr.size(), bgr.type());
  cv::mixChannels(&bgr, 1, &reordered, 1, from_to, 3);
  return reordered;
}

}  // namespace parallax
