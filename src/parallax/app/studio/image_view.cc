#include "parallax/app/studio/image_view.h"

#include <algorithm>
#include <cmath>

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

namespace parallax::studio {

namespace {
constexpr double kZoomStep = 1.25;
constexpr double kClickSlop = 4;    // px a click may move
constexpr double kDividerGrab = 8;  // px either side of the divider
}  // namespace

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(200, 150);
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setAutoFillBackground(false);
  transform_.SetViewportSize(PaneSize());
}

void ImageView::SetImageSize(QSize size) {
  image_size_ = size;
  UpdateContentSize(/*refit=*/true);  // a new photo starts fitted
}

void ImageView::SetResultWidthFactor(int factor) {
  factor = std::max(1, factor);
  if (factor == result_width_factor_) return;
  result_width_factor_ = factor;
  UpdateContentSize();
}

void ImageView::UpdateContentSize(bool refit) {
  const int factor = mode_ == ViewMode::kResult ? result_width_factor_ : 1;
  const QSizeF content(image_size_.width() * factor, image_size_.height());
  if (refit || content != transform_.image_size()) {
    transform_.SetImageSize(content);
  }
  transform_.SetViewportSize(PaneSize());
  update();
}

void ImageView::SetImage(const QImage& image) {
  image_ = image;
  update();
}

void ImageView::SetResult(const QImage& result) {
  result_ = result;
  update();
}

void ImageView::SetMode(ViewMode mode) {
  if (mode == mode_) return;
  mode_ = mode;
  UpdateContentSize();
  // Side by side halves the pane: refit so both halves show whole.
  transform_.Fit();
  update();
}

void ImageView::SetWipe(double fraction) {
  wipe_ = std::clamp(fraction, 0.0, 1.0);
  update();
}

void ImageView::SetMarker(std::optional<QPointF> image_point) {
  marker_ = image_point;
  update();
}

void ImageView::Fit() {
  transform_.Fit();
  update();
}

void ImageView::ActualPixels() {
  transform_.SetActualPixels();
  update();
}

void ImageView::ZoomIn() {
  transform_.Zoom(kZoomStep);
  update();
}

void ImageView::ZoomOut() {
  transform_.Zoom(1 / kZoomStep);
  update();
}

QSizeF ImageView::PaneSize() const {
  const QSizeF full(width(), height());
  if (mode_ == ViewMode::kSideBySide) {
    return QSizeF(full.width() / 2, full.height());
  }
  return full;
}

QPointF ImageView::InPane(QPointF widget) const {
  if (mode_ == ViewMode::kSideBySide && widget.x() >= PaneSize().width()) {
    return widget - QPointF(PaneSize().width(), 0);
  }
  return widget;
}

std::optional<QPointF> ImageView::ImagePointAt(QPointF widget) const {
  // A wide result shown alone has no photo pixel under the mouse.
  if (mode_ == ViewMode::kResult && result_width_factor_ > 1) {
    return std::nullopt;
  }
  const QPointF pane = InPane(widget);
  if (!transform_.Contains(pane)) return std::nullopt;
  return transform_.WidgetToImage(pane);
}

QPointF ImageView::WidgetPointOf(QPointF image_point) const {
  return transform_.ImageToWidget(image_point);
}

bool ImageView::NearDivider(QPointF widget) const {
  if (mode_ != ViewMode::kWipe) return false;
  const QRectF rect = transform_.ImageRect();
  const double x = rect.left() + wipe_ * rect.width();
  return std::abs(widget.x() - x) <= kDividerGrab && widget.y() >= rect.top() &&
         widget.y() <= rect.bottom();
}

void ImageView::DrawPicture(QPainter& painter, const QImage& picture,
                            QPointF pane_origin) const {
  if (picture.isNull()) return;
  const QRectF target = transform_.ImageRect().translated(pane_origin);
  painter.drawImage(target, picture, QRectF(picture.rect()));
}

void ImageView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), QColor(48, 48, 48));
  if (image_.isNull()) {
    painter.setPen(Qt::lightGray);
    painter.drawText(rect(), Qt::AlignCenter,
                     tr("Open an image or drop one here"));
    return;
  }
  // Smooth scaling when shrinking; nearest neighbour when magnified, so
  // that pixels can be inspected at 1:1 and beyond.
  painter.setRenderHint(QPainter::SmoothPixmapTransform,
                        transform_.scale() < 1);
  const QImage& result = result_.isNull() ? image_ : result_;
  switch (mode_) {
    case ViewMode::kImage:
      DrawPicture(painter, image_, {});
      break;
    case ViewMode::kResult:
      DrawPicture(painter, result, {});
      break;
    case ViewMode::kSideBySide:
      DrawPicture(painter, image_, {});
      DrawPicture(painter, result, QPointF(PaneSize().width(), 0));
      break;
    case ViewMode::kWipe: {
      // The photo left of the divider, the result right of it.
      const QRectF rect = transform_.ImageRect();
      const double x = rect.left() + wipe_ * rect.width();
      painter.save();
      painter.setClipRect(QRectF(QPointF(x, 0), QPointF(width(), height())));
      DrawPicture(painter, result, {});
      painter.setClipRect(QRectF(QPointF(0, 0), QPointF(x, height())));
      DrawPicture(painter, image_, {});
      painter.restore();
      painter.setPen(QPen(Qt::white, 2));
      painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()));
      break;
    }
  }
  if (marker_) {
    // A ring with a cross, drawn in every pane that shows the point.
    const int panes = mode_ == ViewMode::kSideBySide ? 2 : 1;
    painter.setRenderHint(QPainter::Antialiasing);
    for (int pane = 0; pane < panes; ++pane) {
      const QPointF c = transform_.ImageToWidget(*marker_) +
                        QPointF(pane * PaneSize().width(), 0);
      painter.setPen(QPen(Qt::black, 3));
      painter.drawEllipse(c, 10, 10);
      painter.setPen(QPen(QColor(255, 210, 0), 1.5));
      painter.drawEllipse(c, 10, 10);
      painter.drawLine(c - QPointF(15, 0), c - QPointF(5, 0));
      painter.drawLine(c + QPointF(5, 0), c + QPointF(15, 0));
      painter.drawLine(c - QPointF(0, 15), c - QPointF(0, 5));
      painter.drawLine(c + QPointF(0, 5), c + QPointF(0, 15));
    }
  }
}

void ImageView::resizeEvent(QResizeEvent*) {
  transform_.SetViewportSize(PaneSize());
}

void ImageView::wheelEvent(QWheelEvent* event) {
  if (image_.isNull()) return;
  const double steps = event->angleDelta().y() / 120.0;
  transform_.ZoomAt(std::pow(kZoomStep, steps), InPane(event->position()));
  update();
  event->accept();
}

void ImageView::mousePressEvent(QMouseEvent* event) {
  press_ = last_ = event->position();
  if (event->button() == Qt::LeftButton && NearDivider(press_)) {
    drag_ = Drag::kDivider;
  } else if (event->button() == Qt::LeftButton) {
    drag_ = Drag::kPending;
  } else {
    drag_ = Drag::kPan;  // middle or right button: always pans
  }
}

void ImageView::mouseMoveEvent(QMouseEvent* event) {
  const QPointF pos = event->position();
  if (drag_ == Drag::kNone) {
    setCursor(NearDivider(pos) ? Qt::SplitHCursor : Qt::CrossCursor);
    return;
  }
  if (drag_ == Drag::kPending &&
      (pos - press_).manhattanLength() > kClickSlop) {
    drag_ = Drag::kPan;
  }
  if (drag_ == Drag::kPan) {
    transform_.Pan(pos - last_);
    update();
  } else if (drag_ == Drag::kDivider) {
    const QRectF rect = transform_.ImageRect();
    SetWipe((pos.x() - rect.left()) / rect.width());
    Q_EMIT wipeChanged(wipe_);
  }
  last_ = pos;
}

void ImageView::mouseReleaseEvent(QMouseEvent* event) {
  if (drag_ == Drag::kPending && event->button() == Qt::LeftButton) {
    if (const auto point = ImagePointAt(event->position())) {
      Q_EMIT imageClicked(*point);
    }
  }
  drag_ = Drag::kNone;
}

}  // namespace parallax::studio
