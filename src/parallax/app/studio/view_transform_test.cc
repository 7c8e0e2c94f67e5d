// ViewTransform's zoom/pan/fit maths and ImageView's mapping of clicks to
// full-resolution image pixels at several zoom levels and in each mode.
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include "parallax/app/studio/image_view.h"
#include "parallax/app/studio/view_transform.h"

namespace parallax::studio {

class ViewTransformTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void fitCentresAndScales() {
    ViewTransform t;
    t.SetViewportSize(QSizeF(800, 800));
    t.SetImageSize(QSizeF(400, 200));
    QCOMPARE(t.scale(), 2.0);
    QCOMPARE(t.offset(), QPointF(0, 200));
    QCOMPARE(t.WidgetToImage(QPointF(400, 400)), QPointF(200, 100));
    QCOMPARE(t.ImageToWidget(QPointF(0, 0)), QPointF(0, 200));
    QVERIFY(t.Contains(QPointF(10, 210)));
    QVERIFY(!t.Contains(QPointF(10, 190)));  // above the image
  }

  void fitFollowsViewportUntilZoomed() {
    ViewTransform t;
    t.SetImageSize(QSizeF(1000, 500));
    t.SetViewportSize(QSizeF(500, 500));
    QCOMPARE(t.scale(), 0.5);
    t.SetViewportSize(QSizeF(2000, 1000));
    QCOMPARE(t.scale(), 2.0);
    t.Zoom(2);
    QVERIFY(!t.fitting());
    t.SetViewportSize(QSizeF(1000, 1000));
    QCOMPARE(t.scale(), 4.0);  // a zoomed view keeps its zoom
  }

  void zoomKeepsThePointUnderTheCursor() {
    ViewTransform t;
    t.SetViewportSize(QSizeF(640, 480));
    t.SetImageSize(QSizeF(1280, 960));
    const QPointF anchor(123, 321);
    const QPointF before = t.WidgetToImage(anchor);
    for (double factor : {1.25, 3.0, 0.5, 0.1}) {
      t.ZoomAt(factor, anchor);
      const QPointF after = t.WidgetToImage(anchor);
      QVERIFY(std::abs(after.x() - before.x()) < 1e-9);
      QVERIFY(std::abs(after.y() - before.y()) < 1e-9);
    }
  }

  void zoomIsClamped() {
    ViewTransform t;
    t.SetViewportSize(QSizeF(100, 100));
    t.SetImageSize(QSizeF(100, 100));
    for (int i = 0; i < 50; ++i) t.Zoom(2);
    QCOMPARE(t.scale(), ViewTransform::kMaxScale);
    for (int i = 0; i < 100; ++i) t.Zoom(0.5);
    QCOMPARE(t.scale(), ViewTransform::kMinScale);
  }

  void actualPixelsKeepsTheCentre() {
    ViewTransform t;
    t.SetViewportSize(QSizeF(400, 300));
    t.SetImageSize(QSizeF(4000, 3000));
    t.Pan(QPointF(30, -20));
    const QPointF centre(200, 150);
    const QPointF at = t.WidgetToImage(centre);
    t.SetActualPixels();
    QCOMPARE(t.scale(), 1.0);
    QCOMPARE(t.WidgetToImage(centre), at);
  }

  void panMovesTheImage() {
    ViewTransform t;
    t.SetViewportSize(QSizeF(200, 100));
    t.SetImageSize(QSizeF(200, 100));
    t.Pan(QPointF(10, 5));
    QCOMPARE(t.WidgetToImage(QPointF(10, 5)), QPointF(0, 0));
    QVERIFY(!t.fitting());
    t.Fit();
    QCOMPARE(t.offset(), QPointF(0, 0));
  }

  void clicksMapToImagePixelsAtSeveralZooms() {
    ImageView view;
    view.resize(800, 600);
    view.SetImageSize(QSize(1600, 1200));
    // A preview at half resolution: clicks stay in full-resolution pixels.
    QImage preview(800, 600, QImage::Format_RGB888);
    preview.fill(Qt::gray);
    view.SetImage(preview);
    QCOMPARE(view.transform().scale(), 0.5);
    QSignalSpy clicks(&view, &ImageView::imageClicked);
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(100, 50));
    QCOMPARE(clicks.count(), 1);
    QCOMPARE(clicks.takeFirst().at(0).toPointF(), QPointF(200, 100));

    // Zoom in with the wheel about (100, 50): the same pixel stays there.
    for (int i = 0; i < 3; ++i) {
      QWheelEvent wheel(QPointF(100, 50), view.mapToGlobal(QPointF(100, 50)),
                        QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                        Qt::NoScrollPhase, false);
      QApplication::sendEvent(&view, &wheel);
    }
    QVERIFY(std::abs(view.transform().scale() - 0.5 * 1.25 * 1.25 * 1.25) <
            1e-12);
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(100, 50));
    QCOMPARE(clicks.takeFirst().at(0).toPointF(), QPointF(200, 100));
    // 64 widget pixels right is 64 / scale image pixels right.
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(164, 50));
    const double scale = view.transform().scale();
    QCOMPARE(clicks.takeFirst().at(0).toPointF().x(), 200 + 64 / scale);

    // 1:1: the image centre stays at the widget centre.
    view.Fit();
    view.ActualPixels();
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(400, 300));
    QCOMPARE(clicks.takeFirst().at(0).toPointF(), QPointF(800, 600));
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(410, 290));
    QCOMPARE(clicks.takeFirst().at(0).toPointF(), QPointF(810, 590));
  }

  void clicksOffTheImageAreIgnored() {
    ImageView view;
    view.resize(800, 600);
    view.SetImageSize(QSize(100, 300));  // fit: 200 x 600, centred
    QSignalSpy clicks(&view, &ImageView::imageClicked);
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(50, 300));
    QCOMPARE(clicks.count(), 0);
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(400, 300));
    QCOMPARE(clicks.count(), 1);
    QCOMPARE(clicks.takeFirst().at(0).toPointF(), QPointF(50, 150));
  }

  void sideBySidePanesMapAlike() {
    ImageView view;
    view.resize(800, 300);
    view.SetImageSize(QSize(400, 300));
    view.SetMode(ViewMode::kSideBySide);
    QCOMPARE(view.transform().scale(), 1.0);  // 400 x 300 panes
    QSignalSpy clicks(&view, &ImageView::imageClicked);
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(100, 100));
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(500, 100));
    QCOMPARE(clicks.count(), 2);
    QCOMPARE(clicks.at(0).at(0).toPointF(), QPointF(100, 100));
    QCOMPARE(clicks.at(1).at(0).toPointF(), QPointF(100, 100));
  }

  void dragPansWithoutClicking() {
    ImageView view;
    view.resize(400, 300);
    view.SetImageSize(QSize(400, 300));
    QSignalSpy clicks(&view, &ImageView::imageClicked);
    QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(100, 100));
    QMouseEvent move(QEvent::MouseMove, QPointF(130, 90),
                     view.mapToGlobal(QPointF(130, 90)), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&view, &move);
    QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(130, 90));
    QCOMPARE(clicks.count(), 0);
    QCOMPARE(view.transform().offset(), QPointF(30, -10));
  }

  void wipeDividerDrags() {
    ImageView view;
    view.resize(400, 300);
    view.SetImageSize(QSize(400, 300));
    QImage image(400, 300, QImage::Format_RGB888);
    image.fill(Qt::black);
    view.SetImage(image);
    view.SetMode(ViewMode::kWipe);
    QSignalSpy wipes(&view, &ImageView::wipeChanged);
    QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(200, 150));
    QMouseEvent move(QEvent::MouseMove, QPointF(300, 150),
                     view.mapToGlobal(QPointF(300, 150)), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&view, &move);
    QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(300, 150));
    QVERIFY(wipes.count() >= 1);
    QCOMPARE(view.wipe(), 0.75);
    QCOMPARE(view.transform().offset(), QPointF(0, 0));  // did not pan
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::ViewTransformTest)
#include "view_transform_test.moc"
