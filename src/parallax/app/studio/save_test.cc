// Every output kind saved from the window and read back with ReadImage:
// size, type and values; nothing written over the input without the
// confirmation; no temporary files left behind.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include "parallax/app/studio/control_panels.h"
#include "parallax/app/studio/main_window.h"
#include "parallax/app/studio/studio_testing.h"
#include "parallax/infer/disparity_output.h"
#include "parallax/io/image_io.h"

namespace parallax::studio {

namespace t = testing;

class SaveTest : public QObject {
  Q_OBJECT

 private:
  const cv::Size size_{240, 160};
  QString dir_, image_path_;
  cv::Mat image_, disparity_;
  std::unique_ptr<MainWindow> window_;

  QString Path(const QString& name) const { return dir_ + "/" + name; }

  // Saves and waits; returns the read-back file.
  cv::Mat SaveAndRead(OutputKind kind, const QString& name,
                      ReadMode mode = ReadMode::kUnchanged) {
    QSignalSpy done(window_.get(), &MainWindow::saveFinished);
    if (!window_->SaveOutput(kind, Path(name))) return {};
    if (!done.wait(30000)) return {};
    if (!done.front().at(0).toBool()) {
      qWarning("save failed: %s", qPrintable(done.front().at(1).toString()));
      return {};
    }
    return ReadImage(Path(name).toStdString(), mode);
  }

 private Q_SLOTS:
  void initTestCase() {
    t::IsolateSettings();
    dir_ = t::TempDir() + "/save";
    QDir().mkpath(dir_);
    image_ = t::TexturedImage(size_);
    disparity_ = t::TwoPlaneDisparity(size_, 20, 2);
    image_path_ = Path("input.png");
    WriteImage(image_path_.toStdString(), image_);
    WriteImage(Path("input_disparity.pfm").toStdString(), disparity_);
    window_ = std::make_unique<MainWindow>();
    QVERIFY(window_->OpenImage(image_path_));
    QVERIFY(window_->LoadDepthMap(Path("input_disparity.pfm")));
  }

  void depth16BitPng() {
    const cv::Mat saved = SaveAndRead(OutputKind::kDepth16, "d16.png");
    QCOMPARE(saved.size(), size_);
    QCOMPARE(saved.type(), CV_16UC1);
    // Near (20) is white, far (2) black.
    QCOMPARE(saved.at<uint16_t>(80, 10), uint16_t{65535});
    QCOMPARE(saved.at<uint16_t>(80, 230), uint16_t{0});
  }

  void depthPfmKeepsValues() {
    const cv::Mat saved = SaveAndRead(OutputKind::kDepthFloat, "d.pfm");
    QCOMPARE(saved.size(), size_);
    QCOMPARE(saved.type(), CV_32FC1);
    QCOMPARE(cv::norm(saved, disparity_, cv::NORM_INF), 0.0);
  }

  void depthExrWhenSupported() {
    if (!ExrSupported()) {
      QSignalSpy done(window_.get(), &MainWindow::saveFinished);
      QVERIFY(window_->SaveOutput(OutputKind::kDepthFloat, Path("d.exr")));
      QVERIFY(done.wait(30000));
      QVERIFY(!done.front().at(0).toBool());
      QVERIFY(window_->banner_text().contains("EXR"));
      return;
    }
    const cv::Mat saved = SaveAndRead(OutputKind::kDepthFloat, "d.exr");
    QCOMPARE(saved.size(), size_);
    QCOMPARE(cv::norm(saved, disparity_, cv::NORM_INF), 0.0);
  }

  void depthColourPng() {
    const cv::Mat saved = SaveAndRead(OutputKind::kDepthColor, "dc.png");
    QCOMPARE(saved.size(), size_);
    QCOMPARE(saved.type(), CV_8UC3);
    const cv::Mat expected = EncodePreview(disparity_, RobustRange(disparity_),
                                           false, Colormap::kTurbo);
    QCOMPARE(cv::norm(saved, expected, cv::NORM_INF), 0.0);
    QVERIFY(saved.at<cv::Vec3b>(80, 10) != saved.at<cv::Vec3b>(80, 230));
  }

  void refocusedAtFullResolution() {
    window_->SetStage(Stage::kRefocus);
    window_->SetFocusPoint(QPointF(40, 80));  // the near plane
    const cv::Mat saved = SaveAndRead(OutputKind::kRefocused, "refocus.png");
    QCOMPARE(saved.size(), size_);
    QCOMPARE(saved.type(), CV_8UC3);
    const cv::Rect near(10, 20, 90, 120), far(140, 20, 90, 120);
    QVERIFY(t::Sharpness(saved, near) > 0.9 * t::Sharpness(image_, near));
    QVERIFY(t::Sharpness(saved, far) < 0.2 * t::Sharpness(image_, far));
  }

  void stereoInTheChosenLayout() {
    StereoControls stereo;
    stereo.layout = StereoLayout::kSideBySide;
    window_->stereo_panel()->SetControls(stereo);
    cv::Mat saved = SaveAndRead(OutputKind::kStereo, "sbs.png");
    QCOMPARE(saved.size(), cv::Size(2 * size_.width, size_.height));
    QCOMPARE(saved.type(), CV_8UC3);
    stereo.layout = StereoLayout::kAnaglyph;
    window_->stereo_panel()->SetControls(stereo);
    saved = SaveAndRead(OutputKind::kStereo, "anaglyph.jpg");
    QCOMPARE(saved.size(), size_);
  }

  void fogThickensWithDistance() {
    const cv::Mat saved = SaveAndRead(OutputKind::kFog, "fog.png");
    QCOMPARE(saved.size(), size_);
    const cv::Rect near(10, 20, 90, 120), far(140, 20, 90, 120);
    QVERIFY(cv::norm(saved(far), image_(far), cv::NORM_L1) >
            4 * cv::norm(saved(near), image_(near), cv::NORM_L1));
  }

  // A 16-bit photo is refocused and fogged at 16 bits into PNG and TIFF,
  // as `parallax defocus` and `fog` do, and at 8 bits into JPEG.
  void sixteenBitPhotosSaveSixteenBits() {
    cv::Mat photo16;
    image_.convertTo(photo16, CV_16U, 257.0);
    const QString path = Path("input16.png");
    WriteImage(path.toStdString(), photo16);
    MainWindow window;
    QVERIFY(window.OpenImage(path));
    QVERIFY(window.LoadDepthMap(Path("input_disparity.pfm")));
    window.SetFocusPoint(QPointF(40, 80));
    const auto save = [&](OutputKind kind, const QString& name) {
      QSignalSpy done(&window, &MainWindow::saveFinished);
      if (!window.SaveOutput(kind, Path(name)) || !done.wait(30000) ||
          !done.front().at(0).toBool()) {
        return cv::Mat();
      }
      return ReadImage(Path(name).toStdString(), ReadMode::kUnchanged);
    };
    const cv::Mat refocused = save(OutputKind::kRefocused, "refocus16.png");
    QCOMPARE(refocused.type(), CV_16UC3);
    const cv::Mat expected =
        RenderRefocusFull(photo16, disparity_, *window.focus(),
                          window.refocus_panel()->controls());
    QCOMPARE(cv::norm(refocused, expected, cv::NORM_INF), 0.0);
    QCOMPARE(save(OutputKind::kFog, "fog16.tif").type(), CV_16UC3);
    QCOMPARE(save(OutputKind::kRefocused, "refocus8.jpg").type(), CV_8UC3);
    QCOMPARE(save(OutputKind::kStereo, "stereo16.png").type(), CV_8UC3);
  }

  void neverOverTheInputWithoutAsking() {
    QFile input(image_path_);
    QVERIFY(input.open(QIODevice::ReadOnly));
    const QByteArray before = input.readAll();
    input.close();
    int asked = 0;
    QString question;
    window_->SetConfirmHook([&](const QString& text) {
      ++asked;
      question = text;
      return false;  // "No"
    });
    QVERIFY(!window_->SaveOutput(OutputKind::kRefocused, image_path_));
    QCOMPARE(asked, 1);
    QVERIFY(question.contains("input.png"));
    QVERIFY(input.open(QIODevice::ReadOnly));
    QCOMPARE(input.readAll(), before);
    input.close();

    window_->SetConfirmHook([&](const QString&) {
      ++asked;
      return true;  // "Yes"
    });
    QSignalSpy done(window_.get(), &MainWindow::saveFinished);
    QVERIFY(window_->SaveOutput(OutputKind::kRefocused, image_path_));
    QVERIFY(done.wait(30000));
    QCOMPARE(asked, 2);
    QVERIFY(input.open(QIODevice::ReadOnly));
    QVERIFY(input.readAll() != before);
  }

  void noTemporaryFilesLeft() {
    const QStringList hidden =
        QDir(dir_).entryList(QDir::Files | QDir::Hidden | QDir::System);
    for (const QString& name : hidden) {
      QVERIFY2(!name.startsWith('.'), qPrintable(name));
    }
  }

  void cleanupTestCase() { window_.reset(); }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::SaveTest)
#include "save_test.moc"
