// Files that cannot be opened: a message in the banner (no modal dialog,
// no crash) and the current document exactly as it was.
#include <QDir>
#include <QFile>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include "parallax/app/studio/main_window.h"
#include "parallax/app/studio/studio_testing.h"
#include "parallax/io/image_io.h"

namespace parallax::studio {

namespace t = testing;

class OpenErrorsTest : public QObject {
  Q_OBJECT

 private:
  QString good_, depth_;
  const cv::Size size_{120, 80};

 private Q_SLOTS:
  void initTestCase() {
    t::IsolateSettings();
    good_ = t::TempDir() + "/good.png";
    depth_ = t::TempDir() + "/good_depth.pfm";
    WriteImage(good_.toStdString(), t::TexturedImage(size_));
    WriteImage(depth_.toStdString(), t::TwoPlaneDisparity(size_));
    QFile garbage(t::TempDir() + "/garbage.png");
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write("this is not a PNG file at all, just some bytes\x01\x02");
    garbage.close();
    QDir().mkpath(t::TempDir() + "/folder.png");
  }

  void unreadableFilesChangeNothing_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    QTest::newRow("garbage bytes named .png") << t::TempDir() + "/garbage.png"
                                              << "garbage.png";
    QTest::newRow("a directory") << t::TempDir() + "/folder.png"
                                 << "folder";
    QTest::newRow("a missing path") << t::TempDir() + "/missing.jpg"
                                    << "no such file";
  }

  void unreadableFilesChangeNothing() {
    QFETCH(QString, path);
    QFETCH(QString, expected);
    MainWindow window;
    QVERIFY(window.OpenImage(good_));
    QVERIFY(window.LoadDepthMap(depth_));
    const uchar* pixels = window.document().image.data;
    const uchar* depth = window.document().disparity.data;
    const QString title = window.windowTitle();

    QVERIFY(!window.OpenImage(path));
    qInfo("banner: %s", qPrintable(window.banner_text()));
    QVERIFY(window.banner_text().contains(expected));
    QVERIFY(window.banner_text().contains(QFileInfo(path).fileName()));
    // The very same document: same buffers, path, depth and title.
    QCOMPARE(window.document().image.data, pixels);
    QCOMPARE(window.document().disparity.data, depth);
    QCOMPARE(QString::fromStdString(window.document().path.string()),
             QFileInfo(good_).absoluteFilePath());
    QCOMPARE(window.windowTitle(), title);
    QVERIFY(!window.view()->image().isNull());

    // A good file opens again and clears the banner.
    QVERIFY(window.OpenImage(good_));
    QVERIFY(window.banner_text().isEmpty());
  }

  void badDepthMapsChangeNothing() {
    MainWindow window;
    QVERIFY(window.OpenImage(good_));
    QVERIFY(window.LoadDepthMap(depth_));
    const uchar* depth = window.document().disparity.data;
    const QString small = t::TempDir() + "/small_depth.pfm";
    WriteImage(small.toStdString(), t::TwoPlaneDisparity(cv::Size(60, 40)));
    QVERIFY(!window.LoadDepthMap(small));
    QVERIFY(window.banner_text().contains("60x40"));
    QVERIFY(!window.LoadDepthMap(t::TempDir() + "/garbage.png"));
    QCOMPARE(window.document().disparity.data, depth);
  }

  void dropOpensAndRemembers() {
    MainWindow window;
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(good_)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                          Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                    Qt::NoModifier);
    QSignalSpy opened(&window, &MainWindow::imageOpened);
    QApplication::sendEvent(&window, &drop);
    // Read on a pool thread: the window goes on meanwhile.
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.takeFirst().at(0).toBool(), true);
    QVERIFY(window.document().has_image());
    QCOMPARE(window.document().image.size(), size_);
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    QVERIFY(!recent.isEmpty());
    QCOMPARE(recent.front(), QFileInfo(good_).absoluteFilePath());
    // A dropped file that cannot be read changes nothing either.
    // (Qt delivers a drop only to a widget that accepted its drag enter.)
    mime.setUrls({QUrl::fromLocalFile(t::TempDir() + "/garbage.png")});
    QDragEnterEvent enter_bad(QPoint(10, 10), Qt::CopyAction, &mime,
                              Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter_bad);
    QDropEvent bad(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                   Qt::NoModifier);
    QApplication::sendEvent(&window, &bad);
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.takeFirst().at(0).toBool(), false);
    QVERIFY(window.banner_text().contains("garbage.png"));
    QCOMPARE(window.document().image.size(), size_);
  }

  // Two opens in a row: only the later one becomes the document, whatever
  // order the reads finish in; the event loop runs while they read.
  void aLaterOpenSupersedesAnEarlierOne() {
    MainWindow window;
    const QString big = t::TempDir() + "/big.png";
    WriteImage(big.toStdString(), t::TexturedImage(cv::Size(3000, 2000)));
    QSignalSpy opened(&window, &MainWindow::imageOpened);
    window.OpenImageInBackground(big);
    QVERIFY(window.opening());
    window.OpenImageInBackground(good_);
    QVERIFY(opened.wait(20000));
    QCOMPARE(opened.size(), 1);
    QCOMPARE(window.document().image.size(), size_);
    QVERIFY(!window.opening());
    // The superseded read reports nothing when it ends.
    QTest::qWait(1500);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(window.document().image.size(), size_);
  }

  // A 16-bit photo keeps its 16 bits for the saves; the network and the
  // previews get the 8-bit version, as `parallax defocus` and `stereo` do.
  void sixteenBitPhotosKeepTheirDepth() {
    MainWindow window;
    cv::Mat photo16;
    t::TexturedImage(size_).convertTo(photo16, CV_16U, 257.0);
    photo16.at<cv::Vec3w>(5, 5) = cv::Vec3w(1000, 2000, 3001);
    const QString path = t::TempDir() + "/sixteen.png";
    WriteImage(path.toStdString(), photo16);
    QVERIFY(window.OpenImage(path));
    QCOMPARE(window.document().full.type(), CV_16UC3);
    QCOMPARE(window.document().full.at<cv::Vec3w>(5, 5),
             cv::Vec3w(1000, 2000, 3001));
    QCOMPARE(window.document().image.type(), CV_8UC3);
    QCOMPARE(cv::norm(window.document().image,
                      ReadImage(path.toStdString(), ReadMode::kColor8),
                      cv::NORM_INF),
             0.0);
  }

  void depthMapNeedsAnImage() {
    MainWindow window;
    QVERIFY(!window.LoadDepthMap(depth_));
    QVERIFY(!window.banner_text().isEmpty());
    QVERIFY(!window.document().has_image());
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::OpenErrorsTest)
#include "open_errors_test.moc"
