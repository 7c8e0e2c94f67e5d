#include "parallax/io/channel_order.h"

#include <gtest/gtest.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

TEST(ChannelOrder, ParsesEveryPermutationInAnyCase) {
  EXPECT_EQ(ParseChannelOrder("rgb"), cv::Vec3i(0, 1, 2));
  EXPECT_EQ(ParseChannelOrder("rBg"), cv::Vec3i(0, 2, 1));
  EXPECT_EQ(ParseChannelOrder("grb"), cv::Vec3i(1, 0, 2));
  EXPECT_EQ(ParseChannelOrder("gbr"), cv::Vec3i(1, 2, 0));
  EXPECT_EQ(ParseChannelOrder("brg"), cv::Vec3i(2, 0, 1));
  EXPECT_EQ(ParseChannelOrder("BGR"), cv::Vec3i(2, 1, 0));
}

TEST(ChannelOrder, RefusesWhatIsNotAPermutation) {
  for (const char* bad : {"", "rg", "rgbr", "rrg", "rgx", "xyz"}) {
    try {
      ParseChannelOrder(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--channel-order"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(ChannelOrder, OutputRedTakesTheNamedInputChannel) {
  // Every pixel in OpenCV layout B = 10, G = 20, R = 30.
  const cv::Mat bgr(2, 3, CV_8UC3, cv::Scalar(10, 20, 30));
  const cv::Mat before = bgr.clone();
  // "gbr": red takes green (20), green takes blue (10), blue takes red (30).
  const cv::Mat out = ReorderColorChannels(bgr, ParseChannelOrder("gbr"));
  ASSERT_EQ(out.type(), CV_8UC3);
  ASSERT_EQ(out.size(), bgr.size());
  EXPECT_EQ(out.at<cv::Vec3b>(1, 2), cv::Vec3b(30, 10, 20));  // B, G, R
  // "rgb" is the identity, and the input is never touched.
  EXPECT_EQ(cv::norm(ReorderColorChannels(bgr, ParseChannelOrder("rgb")), bgr,
                     cv::NORM_INF),
            0);
  EXPECT_EQ(cv::norm(bgr, before, cv::NORM_INF), 0);
  // Float images too.
  cv::Mat float_bgr;
  bgr.convertTo(float_bgr, CV_32F);
  const cv::Mat float_out =
      ReorderColorChannels(float_bgr, ParseChannelOrder("bgr"));
  EXPECT_EQ(float_out.at<cv::Vec3f>(0, 0), cv::Vec3f(30, 20, 10));
  // In storage order: output channel c takes input channel from[c].
  EXPECT_EQ(ReorderChannels(bgr, {2, 0, 1}).at<cv::Vec3b>(0, 0),
            cv::Vec3b(30, 10, 20));
}

}  // namespace
}  // namespace parallax
