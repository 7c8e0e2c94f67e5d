// Depth in the background: a job with a small random model finishes with a
// map of the photo's size; a running job cancelled stops its thread within
// a second, drops its result and leaves the window usable.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include "parallax/app/studio/control_panels.h"
#include "parallax/app/studio/depth_worker.h"
#include "parallax/app/studio/main_window.h"
#include "parallax/app/studio/studio_testing.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/tiny_model.h"

#include <QPushButton>

namespace parallax::studio {

namespace t = testing;

class DepthCancelTest : public QObject {
  Q_OBJECT

 private:
  QString image_path_, model_path_;
  const cv::Size size_{320, 200};

 private Q_SLOTS:
  void initTestCase() {
    t::IsolateSettings();
    image_path_ = t::TempDir() + "/photo.png";
    WriteImage(image_path_.toStdString(), t::TexturedImage(size_));
    model_path_ =
        QString::fromStdString(parallax::testing::SaveTinyModel(
                                   (t::TempDir() + "/tiny.plx").toStdString())
                                   .string());
  }

  void computesDepthInTheBackground() {
    MainWindow window;
    window.SetModel(model_path_);
    QVERIFY(window.OpenImage(image_path_));
    QSignalSpy ready(&window, &MainWindow::depthReady);
    QSignalSpy progress(window.depth_worker(), &DepthWorker::progress);
    window.ComputeDepth();
    QVERIFY(window.depth_worker()->busy());
    QVERIFY(!window.depth_panel()->compute_button()->isEnabled());
    QVERIFY(ready.wait(60000));
    QVERIFY(progress.count() >= 3);  // model, network, upsampling
    const cv::Mat& disparity = window.document().disparity;
    QCOMPARE(disparity.size(), size_);
    QCOMPARE(disparity.type(), CV_32FC1);
    QVERIFY(cv::checkRange(disparity));
    QVERIFY(window.document().estimated);
    QVERIFY(window.depth_panel()->compute_button()->isEnabled());
    QVERIFY(window.banner_text().isEmpty());
  }

  void cancelStopsWithinASecond() {
    MainWindow window;
    window.SetModel(model_path_);
    QVERIFY(window.OpenImage(image_path_));
    // Each step would take 20 s: the job only ends early by cancelling.
    window.depth_worker()->SetStepDelayForTesting(std::chrono::seconds(20));
    QSignalSpy ready(&window, &MainWindow::depthReady);
    QSignalSpy progress(window.depth_worker(), &DepthWorker::progress);
    QSignalSpy cancelled(window.depth_worker(), &DepthWorker::cancelled);
    window.ComputeDepth();
    QVERIFY(progress.wait(10000));  // the job is running
    QTest::qWait(300);              // inside a step
    QVERIFY(window.depth_worker()->thread_running());

    QElapsedTimer timer;
    timer.start();
    QTest::mouseClick(window.depth_panel()->cancel_button(), Qt::LeftButton);
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(!window.depth_worker()->busy());
    QVERIFY(window.depth_worker()->WaitForThread(1000));
    qInfo("worker stopped %lld ms after Cancel", timer.elapsed());
    QVERIFY(timer.elapsed() < 1000);

    // Usable at once: buttons back, no late result, a new document opens
    // and a depth map loads.
    QVERIFY(window.depth_panel()->compute_button()->isEnabled());
    QVERIFY(!window.depth_panel()->cancel_button()->isEnabled());
    QTest::qWait(100);
    QCOMPARE(ready.count(), 0);
    QVERIFY(!window.document().has_depth());
    const QString depth = t::TempDir() + "/given.pfm";
    WriteImage(depth.toStdString(), t::TwoPlaneDisparity(size_));
    QVERIFY(window.LoadDepthMap(depth));
    QVERIFY(window.document().has_depth());
    QCOMPARE(ready.count(), 1);
  }

  void anotherJobAfterCancelFinishes() {
    MainWindow window;
    window.SetModel(model_path_);
    QVERIFY(window.OpenImage(image_path_));
    window.depth_worker()->SetStepDelayForTesting(std::chrono::seconds(20));
    QSignalSpy progress(window.depth_worker(), &DepthWorker::progress);
    window.ComputeDepth();
    QVERIFY(progress.wait(10000));
    window.CancelDepth();
    window.depth_worker()->SetStepDelayForTesting(std::chrono::milliseconds(0));
    QSignalSpy ready(&window, &MainWindow::depthReady);
    window.ComputeDepth();
    QVERIFY(ready.wait(60000));
    QCOMPARE(ready.count(), 1);
    QCOMPARE(window.document().disparity.size(), size_);
  }

  void badModelReportsAnError() {
    MainWindow window;
    window.SetModel(t::TempDir() + "/missing_model.plx");
    QVERIFY(window.OpenImage(image_path_));
    QSignalSpy failed(&window, &MainWindow::depthFailed);
    window.ComputeDepth();
    QVERIFY(failed.wait(20000));
    QVERIFY(window.banner_text().contains("missing_model.plx"));
    QVERIFY(!window.document().has_depth());
    QVERIFY(window.depth_panel()->compute_button()->isEnabled());
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::DepthCancelTest)
#include "depth_cancel_test.moc"
