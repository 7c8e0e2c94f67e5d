// How long a new focus takes to show at 1920 px: the Refocuser prepared at
// preview resolution (0.5 MP working layers), and the window's whole path
// (focus lookup, render, conversion for display). Prints the medians; the
// bound asserted is loose because CI shares the cores, the target (100 ms)
// is in docs/studio.md with the measured numbers.
#include <algorithm>
#include <vector>

#include <QElapsedTimer>
#include <QTest>
#include <opencv2/imgproc.hpp>

#include "parallax/app/studio/effect_previews.h"
#include "parallax/app/studio/main_window.h"
#include "parallax/app/studio/studio_testing.h"
#include "parallax/io/image_io.h"

namespace parallax::studio {

namespace t = testing;

namespace {

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// A slanted ground plane with a near box: many blur levels.
cv::Mat SceneDisparity(cv::Size size) {
  cv::Mat disparity(size, CV_32F);
  for (int y = 0; y < size.height; ++y) {
    disparity.row(y).setTo(2 + 30.0f * y / size.height);
  }
  disparity(cv::Rect(size.width / 3, size.height / 4, size.width / 4,
                     size.height / 3))
      .setTo(40);
  return disparity;
}

}  // namespace

class PreviewLatencyTest : public QObject {
  Q_OBJECT

 private:
  const cv::Size size_{1920, 1280};

 private Q_SLOTS:
  void initTestCase() { t::IsolateSettings(); }

  void refocuserAt1920() {
    const cv::Mat image = t::TexturedImage(size_);
    const cv::Mat disparity = SceneDisparity(size_);
    QElapsedTimer timer;
    timer.start();
    const EffectPreviews previews(image, disparity, false);
    qInfo("prepare (once per depth map): %lld ms", timer.elapsed());
    QCOMPARE(previews.scale(), 1.0);
    const RefocusControls controls;  // lens, 12 px: the CLI's defaults
    previews.Refocus(10, controls);  // warm-up
    std::vector<double> ms;
    for (float focus : {3.f, 8.f, 15.f, 22.f, 30.f, 40.f, 5.f}) {
      timer.restart();
      const cv::Mat out = previews.Refocus(focus, controls);
      ms.push_back(timer.nsecsElapsed() / 1e6);
      QCOMPARE(out.size(), size_);
    }
    qInfo("refocus render at 1920x1280: median %.1f ms (min %.1f, max %.1f)",
          Median(ms), *std::min_element(ms.begin(), ms.end()),
          *std::max_element(ms.begin(), ms.end()));
    QVERIFY(Median(ms) < 1000);
  }

  void windowClickToPreviewAt1920() {
    const QString image_path = t::TempDir() + "/big.png";
    const QString depth_path = t::TempDir() + "/big.pfm";
    WriteImage(image_path.toStdString(), t::TexturedImage(size_));
    WriteImage(depth_path.toStdString(), SceneDisparity(size_));
    MainWindow window;
    QVERIFY(window.OpenImage(image_path));
    QVERIFY(window.LoadDepthMap(depth_path));
    window.SetStage(Stage::kRefocus);
    window.RenderNow();
    std::vector<double> ms;
    QElapsedTimer timer;
    for (int i = 0; i < 7; ++i) {
      const QPointF point(200 + 250 * i, 100 + 160 * i);
      timer.restart();
      window.SetFocusPoint(point);
      window.RenderNow();
      ms.push_back(timer.nsecsElapsed() / 1e6);
    }
    qInfo("click to preview in the window at 1920x1280: median %.1f ms",
          Median(ms));
    QVERIFY(Median(ms) < 1000);
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::PreviewLatencyTest)
#include "preview_latency_test.moc"
