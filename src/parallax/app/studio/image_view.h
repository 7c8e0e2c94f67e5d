// The picture area: shows the photo and a result (depth map, refocused,
// 3D, fog) alone, side by side, or as a wipe with a divider you drag; zoom
// with the wheel about the cursor, pan by dragging, fit or 1:1. A click
// (press and release without a drag) reports the full-resolution image
// pixel under it, whatever resolution the shown previews have.
#pragma once

#include <optional>

#include <QImage>
#include <QWidget>

#include "parallax/app/studio/view_transform.h"

namespace parallax::studio {

enum class ViewMode { kImage, kResult, kSideBySide, kWipe };

class ImageView : public QWidget {
  Q_OBJECT

 public:
  explicit ImageView(QWidget* parent = nullptr);

  // The full-resolution size: the coordinate system of clicks and of the
  // marker. Resets the view to fit.
  void SetImageSize(QSize size);
  // Pictures of any resolution, drawn over the full-resolution rectangle.
  void SetImage(const QImage& image);
  void SetResult(const QImage& result);
  // A result `factor` times as wide as the photo (2: a side-by-side or
  // cross-eyed frame). Shown alone it keeps its own aspect, fitted anew;
  // beside the photo or in the wipe it is squeezed into the photo's
  // rectangle so that both share one coordinate system.
  void SetResultWidthFactor(int factor);
  int result_width_factor() const { return result_width_factor_; }
  const QImage& image() const { return image_; }
  const QImage& result() const { return result_; }

  void SetMode(ViewMode mode);
  ViewMode mode() const { return mode_; }
  // Divider of the wipe, 0..1 of the image width.
  void SetWipe(double fraction);
  double wipe() const { return wipe_; }

  void SetMarker(std::optional<QPointF> image_point);
  std::optional<QPointF> marker() const { return marker_; }

  void Fit();
  void ActualPixels();
  void ZoomIn();
  void ZoomOut();
  // The transform of one pane (side by side: each half has its own
  // viewport of half the width, sharing zoom and pan).
  const ViewTransform& transform() const { return transform_; }

  // Widget point -> full-resolution image point; nullopt off the image (and
  // over a wide result shown alone).
  std::optional<QPointF> ImagePointAt(QPointF widget) const;
  // Full-resolution image point -> widget point (in the first pane).
  QPointF WidgetPointOf(QPointF image_point) const;

 Q_SIGNALS:
  void imageClicked(QPointF image_point);
  void wipeChanged(double fraction);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QSizeF PaneSize() const;
  // The transform's content: the photo, or the wide result shown alone.
  void UpdateContentSize(bool refit = false);
  // The pane a widget point falls in and the point within it.
  QPointF InPane(QPointF widget) const;
  bool NearDivider(QPointF widget) const;
  void DrawPicture(class QPainter& painter, const QImage& picture,
                   QPointF pane_origin) const;

  QImage image_, result_;
  ViewMode mode_ = ViewMode::kImage;
  QSize image_size_;
  int result_width_factor_ = 1;
  double wipe_ = 0.5;
  std::optional<QPointF> marker_;
  ViewTransform transform_;
  // Mouse state: a press becomes a click unless it moves further than a
  // few pixels (then it pans, or drags the wipe divider).
  enum class Drag { kNone, kPending, kPan, kDivider } drag_ = Drag::kNone;
  QPointF press_, last_;
};

}  // namespace parallax::studio
