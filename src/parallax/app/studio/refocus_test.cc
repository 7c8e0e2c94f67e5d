// Refocus by clicking: a textured photo of two planes at known disparity
// (left half 20, right half 2). A click on a plane puts its disparity in
// focus; the preview keeps that plane sharp and blurs the other.
#include <QSignalSpy>
#include <QTest>

#include "parallax/app/studio/control_panels.h"
#include "parallax/app/studio/main_window.h"
#include "parallax/app/studio/studio_testing.h"
#include "parallax/io/image_io.h"

namespace parallax::studio {

namespace t = testing;

class RefocusTest : public QObject {
  Q_OBJECT

 private:
  const cv::Size size_{640, 480};
  QString image_path_, depth_path_;
  // Regions well away from the boundary at x = 320 and from the edges.
  const cv::Rect near_roi_{40, 60, 200, 360};
  const cv::Rect far_roi_{400, 60, 200, 360};
  double near_sharp_ = 0, far_sharp_ = 0;

  // Clicks the view where image pixel `point` is shown.
  static void ClickImage(MainWindow& window, QPointF point) {
    const QPointF at = window.view()->WidgetPointOf(point);
    QTest::mouseClick(window.view(), Qt::LeftButton, {}, at.toPoint());
    window.RenderNow();
  }

  void CheckFocus(MainWindow& window, bool near_in_focus) {
    const cv::Mat preview = window.last_preview();
    QCOMPARE(preview.cols, size_.width);  // under 1920: full size
    const double near = t::Sharpness(preview, near_roi_) / near_sharp_;
    const double far = t::Sharpness(preview, far_roi_) / far_sharp_;
    qInfo("sharpness kept: near plane %.3f, far plane %.3f", near, far);
    const double sharp = near_in_focus ? near : far;
    const double blurred = near_in_focus ? far : near;
    QVERIFY2(sharp > 0.9, "the plane in focus lost its detail");
    QVERIFY2(blurred < 0.2, "the plane out of focus is not blurred");
  }

 private Q_SLOTS:
  void initTestCase() {
    t::IsolateSettings();
    const cv::Mat image = t::TexturedImage(size_);
    image_path_ = t::TempDir() + "/planes.png";
    depth_path_ = t::TempDir() + "/planes_disparity.pfm";
    WriteImage(image_path_.toStdString(), image);
    WriteImage(depth_path_.toStdString(), t::TwoPlaneDisparity(size_, 20, 2));
    near_sharp_ = t::Sharpness(image, near_roi_);
    far_sharp_ = t::Sharpness(image, far_roi_);
  }

  void clickFocusesEachPlane_data() {
    QTest::addColumn<QString>("method");
    QTest::newRow("lens") << "lens";
    QTest::newRow("gaussian") << "gaussian";
  }

  void clickFocusesEachPlane() {
    QFETCH(QString, method);
    MainWindow window;
    window.resize(1100, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.OpenImage(image_path_));
    QVERIFY(window.LoadDepthMap(depth_path_));
    window.SetStage(Stage::kRefocus);
    RefocusControls controls = window.refocus_panel()->controls();
    controls.method = method.toStdString();
    window.refocus_panel()->SetControls(controls);

    ClickImage(window, QPointF(100, 240));  // the near plane
    QVERIFY(window.focus().has_value());
    QCOMPARE(*window.focus(), 20.0f);
    QCOMPARE(window.view()->marker().value(), QPointF(100, 240));
    CheckFocus(window, /*near_in_focus=*/true);

    ClickImage(window, QPointF(500, 240));  // the far plane
    QCOMPARE(*window.focus(), 2.0f);
    CheckFocus(window, /*near_in_focus=*/false);
  }

  void otherStepsRenderLive() {
    MainWindow window;
    window.resize(1100, 700);
    window.show();
    QVERIFY(window.OpenImage(image_path_));
    QVERIFY(window.LoadDepthMap(depth_path_));
    window.SetStage(Stage::kStereo);
    window.RenderNow();
    const cv::Mat anaglyph = window.last_preview().clone();
    QCOMPARE(anaglyph.size(), size_);
    StereoControls stereo;
    stereo.layout = StereoLayout::kSideBySide;
    window.stereo_panel()->SetControls(stereo);
    window.RenderNow();
    QCOMPARE(window.last_preview().cols, 2 * size_.width);

    window.SetStage(Stage::kFog);
    window.RenderNow();
    const cv::Mat fog = window.last_preview().clone();
    FogControls dense;
    dense.density = 1.0;
    window.fog_panel()->SetControls(dense);
    QSignalSpy rendered(&window, &MainWindow::previewRendered);
    window.RenderNow();
    QCOMPARE(rendered.count(), 1);
    // Denser fog changes the far plane more than the near one.
    const double far_change =
        cv::norm(window.last_preview()(far_roi_), fog(far_roi_), cv::NORM_L1);
    const double near_change =
        cv::norm(window.last_preview()(near_roi_), fog(near_roi_), cv::NORM_L1);
    QVERIFY(far_change > near_change);
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::RefocusTest)
#include "refocus_test.moc"
