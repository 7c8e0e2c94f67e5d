// The maths of ImageView without the widget: how an image of some size is
// placed in a viewport (scale and offset), fit-to-window, 1:1, zoom about
// the cursor, panning, and the mapping between widget and image
// coordinates. Kept apart so that it is tested exactly.
#pragma once

#include <QPointF>
#include <QRectF>
#include <QSizeF>

namespace parallax::studio {

class ViewTransform {
 public:
  static constexpr double kMinScale = 1.0 / 64;
  static constexpr double kMaxScale = 32;

  // Sizes in pixels; the image size is the full-resolution photo's, whatever
  // resolution the shown preview has.
  void SetImageSize(QSizeF size);
  void SetViewportSize(QSizeF size);
  QSizeF image_size() const { return image_; }
  QSizeF viewport_size() const { return viewport_; }

  // Screen pixels per image pixel, and where image pixel (0, 0)'s corner is.
  double scale() const { return scale_; }
  QPointF offset() const { return offset_; }
  // True while the view follows the viewport's size (after Fit(), until a
  // zoom or pan).
  bool fitting() const { return fitting_; }

  // The whole image, as large as fits, centred.
  void Fit();
  // One image pixel per screen pixel, centred on the viewport's centre.
  void SetActualPixels();
  // Multiplies the scale by `factor` (clamped), keeping the image point
  // under `anchor` (widget coordinates) where it is.
  void ZoomAt(double factor, QPointF anchor);
  // Zoom about the viewport's centre.
  void Zoom(double factor);
  void Pan(QPointF delta);

  QPointF WidgetToImage(QPointF widget) const;
  QPointF ImageToWidget(QPointF image) const;
  // The image's rectangle in widget coordinates.
  QRectF ImageRect() const;
  // True when the widget point falls on the image.
  bool Contains(QPointF widget) const;

 private:
  QSizeF image_{1, 1}, viewport_{1, 1};
  double scale_ = 1;
  QPointF offset_;
  bool fitting_ = true;
};

}  // namespace parallax::studio
