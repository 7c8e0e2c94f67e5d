#include "parallax/app/studio/view_transform.h"

#include <algorithm>

namespace parallax::studio {

void ViewTransform::SetImageSize(QSizeF size) {
  image_ = QSizeF(std::max(1.0, size.width()), std::max(1.0, size.height()));
  Fit();  // a new image starts fitted
}

void ViewTransform::SetViewportSize(QSizeF size) {
  const QPointF old_centre(viewport_.width() / 2, viewport_.height() / 2);
  viewport_ = QSizeF(std::max(1.0, size.width()), std::max(1.0, size.height()));
  if (fitting_) {
    Fit();
  } else {
    // Keep the image point at the centre where it was.
    offset_ +=
        QPointF(viewport_.width() / 2, viewport_.height() / 2) - old_centre;
  }
}

void ViewTransform::Fit() {
  scale_ = std::clamp(std::min(viewport_.width() / image_.width(),
                               viewport_.height() / image_.height()),
                      kMinScale, kMaxScale);
  offset_ = QPointF((viewport_.width() - image_.width() * scale_) / 2,
                    (viewport_.height() - image_.height() * scale_) / 2);
  fitting_ = true;
}

void ViewTransform::SetActualPixels() {
  // Keep the image point at the viewport's centre at the centre.
  const QPointF centre(viewport_.width() / 2, viewport_.height() / 2);
  const QPointF at = WidgetToImage(centre);
  scale_ = 1;
  offset_ = centre - at * scale_;
  fitting_ = false;
}

void ViewTransform::ZoomAt(double factor, QPointF anchor) {
  const QPointF at = WidgetToImage(anchor);
  scale_ = std::clamp(scale_ * factor, kMinScale, kMaxScale);
  offset_ = anchor - at * scale_;
  fitting_ = false;
}

void ViewTransform::Zoom(double factor) {
  ZoomAt(factor, QPointF(viewport_.width() / 2, viewport_.height() / 2));
}

void ViewTransform::Pan(QPointF delta) {
  offset_ += delta;
  fitting_ = false;
}

QPointF ViewTransform::WidgetToImage(QPointF widget) const {
  return (widget - offset_) / scale_;
}

QPointF ViewTransform::ImageToWidget(QPointF image) const {
  return image * scale_ + offset_;
}

QRectF ViewTransform::ImageRect() const {
  return QRectF(offset_, image_ * scale_);
}

bool ViewTransform::Contains(QPointF widget) const {
  const QPointF p = WidgetToImage(widget);
  return p.x() >= 0 && p.y() >= 0 && p.x() < image_.width() &&
         p.y() < image_.height();
}

}  // namespace parallax::studio
