#include "parallax/io/channel_order.h"

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

cv::Mat ReorderChannels(const cv::Mat& image, const cv::Vec3i& from) {
  THROW_CHECK_EQ(image.channels(), 3);
  int from_to[6];
  for (int c = 0; c < 3; ++c) {
    THROW_CHECK_MSG(from[c] >= 0 && from[c] < 3, "channel order {},{},{}",
                    from[0], from[1], from[2]);
    from_to[2 * c] = from[c];
    from_to[2 * c + 1] = c;
  }
  cv::Mat reordered(image.size(), image.type());
  cv::mixChannels(&image, 1, &reordered, 1, from_to, 3);
  return reordered;
}

cv::Mat ReorderColorChannels(const cv::Mat& bgr, const cv::Vec3i& rgb_order) {
  // RGB index c lives at BGR index 2 - c.
  cv::Vec3i from;
  for (int c = 0; c < 3; ++c) from[2 - c] = 2 - rgb_order[c];
  return ReorderChannels(bgr, from);
}

}  // namespace parallax
