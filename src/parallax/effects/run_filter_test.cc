// FilterByRuns against cv::filter2D, the reference it replaces, on random
// light with empty (zero) areas, for disc and blade kernels of every size the
// lens blur uses, and for output rectangles that reach beyond the source.
#include "parallax/effects/run_filter.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/effects/aperture.h"

namespace parallax {
namespace {

cv::Mat RandomLayer(cv::Size size, int seed, int channels = 4) {
  cv::Mat layer(size, CV_32FC(channels));
  cv::RNG rng(seed);
  rng.fill(layer, cv::RNG::UNIFORM, 0, 1);
  // A layer covers part of the frame: zero elsewhere.
  layer(cv::Rect(0, 0, size.width / 3, size.height)).setTo(cv::Scalar::all(0));
  return layer;
}

double MaxDifference(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_INF);
}

TEST(RunKernelTest, AFlatRowIsOneRun) {
  const cv::Mat box(3, 7, CV_32F, cv::Scalar(0.5));
  const RunKernel kernel(box);
  ASSERT_EQ(kernel.runs().size(), 3u);
  EXPECT_EQ(kernel.runs()[1].row, 1);
  EXPECT_EQ(kernel.runs()[1].begin, 0);
  EXPECT_EQ(kernel.runs()[1].length, 7);
  EXPECT_EQ(kernel.cost(), 6);
}

TEST(RunKernelTest, ZeroTapsAreSkippedAndEvenSidesRefused) {
  cv::Mat kernel(3, 3, CV_32F, cv::Scalar(0));
  kernel.at<float>(1, 1) = 1;
  EXPECT_EQ(RunKernel(kernel).runs().size(), 1u);
  EXPECT_THROW(RunKernel(cv::Mat(4, 3, CV_32F, cv::Scalar(1))), std::exception);
}

TEST(RunKernelTest, ApertureKernelsCostFarLessThanTheirTaps) {
  const cv::Mat disc = ApertureKernel(7.5, {});
  EXPECT_LT(RunKernel(disc).cost(), disc.total() / 2);
}

TEST(FilterByRunsTest, MatchesFilter2DForDiscsAndBlades) {
  const cv::Mat src = RandomLayer({150, 120}, 1);
  for (const double radius : {0.7, 1.6, 4.1, 6.55, 8.0}) {
    for (const int blades : {0, 5, 6}) {
      const cv::Mat kernel = ApertureKernel(radius, {blades, 17.0});
      cv::Mat expected;
      cv::filter2D(src, expected, -1, kernel, {-1, -1}, 0, cv::BORDER_CONSTANT);
      const cv::Rect out(20, 15, 100, 90);
      const cv::Mat got = FilterByRuns(src, RunKernel(kernel), out);
      ASSERT_EQ(got.size(), out.size());
      EXPECT_LT(MaxDifference(got, expected(out)), 2e-5)
          << "radius " << radius << ", " << blades << " blades";
    }
  }
}

// Every channel count, output widths that leave a vector tail (the scalar
// path), and rectangles that cross the source's edge (the zero padding).
TEST(FilterByRunsTest, MatchesFilter2DForEveryChannelCountAndWidth) {
  const cv::Mat kernel = ApertureKernel(6.2, {6, 10.0});
  for (const int channels : {1, 2, 3, 4}) {
    const cv::Mat src = RandomLayer({90, 70}, 4 + channels, channels);
    cv::Mat expected;
    cv::filter2D(src, expected, -1, kernel, {-1, -1}, 0, cv::BORDER_CONSTANT);
    for (const cv::Rect out : {cv::Rect(10, 9, 37, 20), cv::Rect(0, 0, 90, 70),
                               cv::Rect(3, 50, 101, 20)}) {
      const cv::Mat got = FilterByRuns(src, RunKernel(kernel), out);
      ASSERT_EQ(got.type(), src.type());
      const cv::Rect inside = out & cv::Rect(0, 0, 90, 70);
      EXPECT_LT(MaxDifference(got(inside - out.tl()), expected(inside)), 2e-5)
          << channels << " channels, " << out;
    }
  }
}

TEST(FilterByRunsTest, BeyondTheSourceIsZero) {
  const cv::Mat src = RandomLayer({60, 40}, 2);
  const cv::Mat kernel = ApertureKernel(5.3, {});
  cv::Mat expected;
  cv::filter2D(src, expected, -1, kernel, {-1, -1}, 0, cv::BORDER_CONSTANT);
  const cv::Mat whole = FilterByRuns(src, RunKernel(kernel), {0, 0, 60, 40});
  EXPECT_LT(MaxDifference(whole, expected), 2e-5);
  // A rectangle partly outside: the part inside matches, the rest is what
  // the kernel spreads beyond the edge (nonzero next to it, zero far away).
  const cv::Mat beyond =
      FilterByRuns(src, RunKernel(kernel), {40, -10, 40, 20});
  EXPECT_LT(MaxDifference(beyond(cv::Rect(0, 10, 20, 10)),
                          expected(cv::Rect(40, 0, 20, 10))),
            2e-5);
  EXPECT_GT(beyond.at<cv::Vec4f>(9, 5)[0], 0.0f);
  EXPECT_EQ(beyond.at<cv::Vec4f>(9, 35)[0], 0.0f);
  EXPECT_EQ(beyond.at<cv::Vec4f>(0, 5)[0], 0.0f);
}

TEST(FilterByRunsTest, AnEmptyAreaStaysExactlyZero) {
  // Prefix sums must not leave rounding residue where no light is, also
  // after a row's light (the right part here).
  cv::Mat src = RandomLayer({200, 50}, 3);
  src(cv::Rect(100, 0, 100, 50)).setTo(cv::Scalar::all(0));
  const cv::Mat kernel = ApertureKernel(6.0, {});
  const cv::Mat got = FilterByRuns(src, RunKernel(kernel), {0, 0, 200, 50});
  const cv::Mat empty = got(cv::Rect(107, 0, 93, 50));
  EXPECT_EQ(cv::countNonZero(empty.reshape(1)), 0);
}

}  // namespace
}  // namespace parallax
