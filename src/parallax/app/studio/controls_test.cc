// The effect controls: every panel gives back what it was set to (so no
// widget is left unwired), each control changes the render it names, and
// a side-by-side 3D preview shown alone keeps its own aspect.
#include <QSignalSpy>
#include <QTest>

#include "parallax/app/studio/control_panels.h"
#include "parallax/app/studio/effect_previews.h"
#include "parallax/app/studio/main_window.h"
#include "parallax/app/studio/studio_testing.h"
#include "parallax/io/image_io.h"

namespace parallax::studio {

namespace t = testing;

class ControlsTest : public QObject {
  Q_OBJECT

 private:
  const cv::Size size_{320, 200};
  cv::Mat image_, disparity_;

  static double Difference(const cv::Mat& a, const cv::Mat& b) {
    return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total());
  }

 private Q_SLOTS:
  void initTestCase() {
    t::IsolateSettings();
    image_ = t::TexturedImage(size_);
    disparity_ = t::TwoPlaneDisparity(size_, 20, 2);
  }

  void panelsGiveBackWhatTheyWereSet() {
    RefocusControls r;
    r.method = "gaussian";
    r.strength = 7.5;
    r.depth_of_field = 0.1;
    r.blades = 6;
    r.rotation = 15;
    r.highlights = 0.5;
    r.near_scale = 0.5;
    r.far_scale = 2;
    r.f_number = 2.8;
    r.focal_length_mm = 85;
    r.shape_detail = 6;
    RefocusPanel refocus;
    QSignalSpy refocus_changed(&refocus, &RefocusPanel::changed);
    refocus.SetControls(r);
    QCOMPARE(refocus_changed.size(), 0);  // setting is not a user change
    const RefocusControls rb = refocus.controls();
    QCOMPARE(rb.method, r.method);
    QCOMPARE(rb.strength, r.strength);
    QCOMPARE(rb.depth_of_field, r.depth_of_field);
    QCOMPARE(rb.blades, r.blades);
    QCOMPARE(rb.rotation, r.rotation);
    QCOMPARE(rb.highlights, r.highlights);
    QCOMPARE(rb.near_scale, r.near_scale);
    QCOMPARE(rb.far_scale, r.far_scale);
    QCOMPARE(rb.f_number, r.f_number);
    QCOMPARE(rb.focal_length_mm, r.focal_length_mm);
    QCOMPARE(rb.shape_detail, r.shape_detail);

    StereoControls s;
    s.layout = StereoLayout::kAnaglyph;
    s.anaglyph = AnaglyphMethod::kGray;
    s.divergence = 3.5;
    s.foreground_scale = 1.5;
    s.convergence.reset();
    StereoPanel stereo;
    stereo.SetControls(s);
    const StereoControls sb = stereo.controls();
    QCOMPARE(sb.layout, s.layout);
    QCOMPARE(sb.anaglyph, s.anaglyph);
    QCOMPARE(sb.divergence, s.divergence);
    QCOMPARE(sb.foreground_scale, s.foreground_scale);
    QVERIFY(!sb.convergence.has_value());

    FogControls f;
    f.linear = true;
    f.density = 0.4;
    f.near = 2;
    f.far = 30;
    f.height_falloff = 3;
    FogPanel fog;
    fog.SetControls(f);
    const FogControls fb = fog.controls();
    QCOMPARE(fb.linear, f.linear);
    QCOMPARE(fb.density, f.density);
    QCOMPARE(fb.near, f.near);
    QCOMPARE(fb.far, f.far);
    QCOMPARE(fb.height_falloff, f.height_falloff);
  }

  void eachControlChangesItsRender() {
    const EffectPreviews previews(image_, disparity_, /*estimated=*/false);
    // The thin lens: at f/1.4 and 85 mm the far plane blurs more than at
    // f/8, and the focal length matters.
    RefocusControls lens;
    lens.f_number = 1.4;
    lens.focal_length_mm = 85;
    const cv::Rect far(200, 30, 100, 140);
    const double wide_open = t::Sharpness(previews.Refocus(20, lens), far);
    lens.f_number = 8;
    const double stopped_down = t::Sharpness(previews.Refocus(20, lens), far);
    QVERIFY2(wide_open < 0.8 * stopped_down, "the f-number does nothing");
    lens.f_number = 8;
    lens.focal_length_mm = 200;
    QVERIFY(t::Sharpness(previews.Refocus(20, lens), far) < stopped_down);
    RefocusControls detail;
    detail.strength = 20;
    detail.blades = 5;
    const cv::Mat coarse = previews.Refocus(20, detail);
    detail.shape_detail = 10;
    QVERIFY(Difference(previews.Refocus(20, detail), coarse) > 0.1);

    StereoControls stereo;
    const cv::Mat dubois = previews.Stereo(stereo);
    stereo.anaglyph = AnaglyphMethod::kGray;
    const cv::Mat gray = previews.Stereo(stereo);
    QVERIFY(Difference(gray, dubois) > 1);
    // Gray anaglyph: green and blue are the same right-view luma.
    std::vector<cv::Mat> channels;
    cv::split(gray, channels);
    QCOMPARE(cv::norm(channels[0], channels[1], cv::NORM_INF), 0.0);
    // Foreground depth reshapes the levels between the nearest and the
    // farthest (a ramp; two planes alone keep their parallax).
    cv::Mat ramp(size_, CV_32F);
    for (int x = 0; x < size_.width; ++x) {
      ramp.col(x).setTo(2 + 18.0 * x / (size_.width - 1));
    }
    const EffectPreviews sloped(image_, ramp, /*estimated=*/false);
    stereo.anaglyph = AnaglyphMethod::kDubois;
    const cv::Mat linear = sloped.Stereo(stereo);
    stereo.foreground_scale = 2;
    QVERIFY(Difference(sloped.Stereo(stereo), linear) > 0.1);

    // Ground fog: with a height falloff the top rows get less fog than the
    // bottom ones of the same (far) plane.
    FogControls fog;
    fog.density = 0.5;
    const cv::Mat even = previews.Fog(fog);
    fog.height_falloff = 4;
    const cv::Mat ground = previews.Fog(fog);
    const cv::Rect top(200, 0, 100, 30), bottom(200, 170, 100, 30);
    const double top_change = Difference(ground(top), even(top));
    const double bottom_change = Difference(ground(bottom), even(bottom));
    QVERIFY2(top_change > 4 * bottom_change,
             "the height falloff does not thin the fog upwards");
  }

  void wideStereoPreviewKeepsItsAspect() {
    const QString photo = t::TempDir() + "/wide.png";
    const QString depth = t::TempDir() + "/wide.pfm";
    WriteImage(photo.toStdString(), image_);
    WriteImage(depth.toStdString(), disparity_);
    MainWindow window;
    QVERIFY(window.OpenImage(photo));
    QVERIFY(window.LoadDepthMap(depth));
    window.SetStage(Stage::kStereo);
    StereoControls stereo;
    stereo.layout = StereoLayout::kSideBySide;
    window.stereo_panel()->SetControls(stereo);
    window.SetViewMode(ViewMode::kResult);
    window.RenderNow();
    QCOMPARE(window.view()->result_width_factor(), 2);
    QCOMPARE(window.view()->transform().image_size(),
             QSizeF(2 * size_.width, size_.height));
    // Beside the photo it shares the photo's rectangle.
    window.SetViewMode(ViewMode::kSideBySide);
    QCOMPARE(window.view()->transform().image_size(),
             QSizeF(size_.width, size_.height));
    window.SetViewMode(ViewMode::kResult);
    stereo.layout = StereoLayout::kAnaglyph;
    window.stereo_panel()->SetControls(stereo);
    window.RenderNow();
    QCOMPARE(window.view()->result_width_factor(), 1);
    QCOMPARE(window.view()->transform().image_size(),
             QSizeF(size_.width, size_.height));
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::ControlsTest)
#include "controls_test.moc"
