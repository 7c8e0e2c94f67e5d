#include "parallax/app/studio/control_panels.h"

#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace parallax::studio {

namespace {

QDoubleSpinBox* Spin(double low, double high, double step, int decimals,
                     const QString& tip) {
  auto* spin = new QDoubleSpinBox;
  spin->setRange(low, high);
  spin->setSingleStep(step);
  spin->setDecimals(decimals);
  spin->setToolTip(tip);
  // Typing "12" must not render "1" first.
  spin->setKeyboardTracking(false);
  return spin;
}

}  // namespace

// ---------------------------------------------------------------- Depth

DepthPanel::DepthPanel(QWidget* parent) : QWidget(parent) {
  auto* form = new QFormLayout;
  model_box_ = new QComboBox;
  model_box_->setToolTip(
      tr("The network: the shipped default, a .plx model, or a Depth "
         "Anything V2 .pth checkpoint"));
  model_box_->addItem(tr("Default model (models/default.plx)"), QString());
  auto* browse = new QPushButton(tr("Browse..."));
  auto* model_row = new QHBoxLayout;
  model_row->addWidget(model_box_, 1);
  model_row->addWidget(browse);
  form->addRow(tr("Model"), model_row);
  device_box_ = new QComboBox;
  device_box_->addItem(tr("CPU"), QStringLiteral("cpu"));
  device_box_->addItem(tr("Auto (GPU when available)"), QStringLiteral("auto"));
  form->addRow(tr("Device"), device_box_);
  colormap_box_ = new QComboBox;
  colormap_box_->addItem(tr("Turbo"), QStringLiteral("turbo"));
  colormap_box_->addItem(tr("Inferno"), QStringLiteral("inferno"));
  colormap_box_->addItem(tr("Gray"), QStringLiteral("gray"));
  form->addRow(tr("Colour map"), colormap_box_);

  compute_ = new QPushButton(tr("Compute depth"));
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setEnabled(false);
  auto* load = new QPushButton(tr("Load depth map..."));
  load->setToolTip(
      tr("Use a disparity map file (larger = nearer) instead "
         "of the network"));
  given_kind_ = new QComboBox;
  given_kind_->addItem(tr("as disparity (larger = nearer)"),
                       QStringLiteral("disparity"));
  given_kind_->addItem(tr("as Z depth (distance)"), QStringLiteral("depth"));
  given_kind_->setToolTip(
      tr("What the values of a loaded depth map mean: disparity, or Z "
         "distance from a renderer or a depth camera"));
  progress_ = new QProgressBar;
  progress_->setRange(0, 100);
  progress_->setVisible(false);
  status_ = new QLabel;
  status_->setWordWrap(true);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(compute_);
  buttons->addWidget(cancel_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  auto* load_row = new QHBoxLayout;
  load_row->addWidget(load);
  load_row->addWidget(given_kind_, 1);
  layout->addLayout(load_row);
  layout->addStretch(1);

  connect(compute_, &QPushButton::clicked, this, &DepthPanel::computeRequested);
  connect(cancel_, &QPushButton::clicked, this, &DepthPanel::cancelRequested);
  connect(load, &QPushButton::clicked, this, &DepthPanel::loadDepthRequested);
  connect(browse, &QPushButton::clicked, this,
          &DepthPanel::browseModelRequested);
  connect(colormap_box_, &QComboBox::currentIndexChanged, this,
          &DepthPanel::colormapChanged);
}

std::string DepthPanel::given_kind() const {
  return given_kind_->currentData().toString().toStdString();
}

void DepthPanel::SetRecentModels(const QStringList& models) {
  const QString selected = model();
  while (model_box_->count() > 1) model_box_->removeItem(1);
  for (const QString& path : models) {
    model_box_->addItem(QFileInfo(path).fileName(), path);
    model_box_->setItemData(model_box_->count() - 1, path, Qt::ToolTipRole);
  }
  SelectModel(selected);
}

void DepthPanel::SelectModel(const QString& model) {
  int index = model_box_->findData(model);
  if (index < 0) {
    model_box_->addItem(QFileInfo(model).fileName(), model);
    index = model_box_->count() - 1;
  }
  model_box_->setCurrentIndex(index);
}

QString DepthPanel::model() const {
  return model_box_->currentData().toString();
}

QString DepthPanel::device() const {
  return device_box_->currentData().toString();
}

void DepthPanel::SelectDevice(const QString& device) {
  int index = device_box_->findData(device);
  if (index < 0) {
    device_box_->addItem(device, device);
    index = device_box_->count() - 1;
  }
  device_box_->setCurrentIndex(index);
}

Colormap DepthPanel::colormap() const {
  return ParseColormap(colormap_name().toStdString());
}

QString DepthPanel::colormap_name() const {
  return colormap_box_->currentData().toString();
}

void DepthPanel::SetColormap(const QString& name) {
  const int index = colormap_box_->findData(name);
  if (index >= 0) colormap_box_->setCurrentIndex(index);
}

void DepthPanel::SetBusy(bool busy) {
  compute_->setEnabled(!busy);
  cancel_->setEnabled(busy);
  progress_->setVisible(busy);
  if (busy) progress_->setValue(0);
}

void DepthPanel::SetProgress(int percent, const QString& step) {
  progress_->setValue(percent);
  status_->setText(step);
}

void DepthPanel::SetStatus(const QString& text) { status_->setText(text); }

// -------------------------------------------------------------- Refocus

RefocusPanel::RefocusPanel(QWidget* parent) : QWidget(parent) {
  method_ = new QComboBox;
  for (const char* name :
       {"lens", "gaussian", "average", "median", "bilateral"}) {
    method_->addItem(QString::fromLatin1(name));
  }
  method_->setToolTip(
      tr("lens: physically based bokeh; the others: MonoDepthDeFocus's "
         "graded blur"));
  strength_ = Spin(0, 100, 1, 1,
                   tr("Blur radius in pixels of the depth farthest from the "
                      "focus (full resolution)"));
  depth_of_field_ =
      Spin(0, 1, 0.02, 2,
           tr("Kept sharp: |depth - focus| below this fraction of the depth "
              "range"));
  blades_ = new QSpinBox;
  blades_->setRange(0, 16);
  blades_->setToolTip(tr("Aperture blades: 0 = circular, 3..16 = polygon"));
  blades_->setKeyboardTracking(false);
  rotation_ = Spin(-180, 180, 5, 0, tr("Aperture rotation in degrees"));
  highlights_ =
      Spin(0, 1, 0.1, 2, tr("Boost of bright points into bokeh discs (lens)"));
  near_scale_ = Spin(0, 4, 0.1, 2, tr("Blur factor in front of the focus"));
  far_scale_ = Spin(0, 4, 0.1, 2, tr("Blur factor behind the focus"));
  f_number_ = Spin(0, 64, 0.1, 1,
                   tr("Thin lens: the f-number (e.g. 1.8); Off = the blur "
                      "strength above"));
  f_number_->setSpecialValueText(tr("Off"));
  focal_length_ =
      Spin(8, 800, 5, 0, tr("Thin lens: 35 mm-equivalent focal length in mm"));
  focal_length_->setSuffix(tr(" mm"));
  shape_detail_ = Spin(1, 16, 1, 0,
                       tr("Lens: kernel radius per blur layer; higher = "
                          "crisper aperture shapes, slower"));
  focus_ = new QLabel(tr("Click the image to focus."));
  focus_->setWordWrap(true);

  auto* form = new QFormLayout(this);
  form->addRow(focus_);
  form->addRow(tr("Method"), method_);
  form->addRow(tr("Blur strength (px)"), strength_);
  form->addRow(tr("Depth of field"), depth_of_field_);
  form->addRow(tr("Aperture blades"), blades_);
  form->addRow(tr("Blade rotation"), rotation_);
  form->addRow(tr("Highlights"), highlights_);
  form->addRow(tr("Near blur scale"), near_scale_);
  form->addRow(tr("Far blur scale"), far_scale_);
  form->addRow(tr("Lens f-number"), f_number_);
  form->addRow(tr("Focal length"), focal_length_);
  form->addRow(tr("Shape detail"), shape_detail_);
  SetControls(RefocusControls{});

  connect(method_, &QComboBox::currentIndexChanged, this,
          &RefocusPanel::changed);
  for (QDoubleSpinBox* spin :
       {strength_, depth_of_field_, rotation_, highlights_, near_scale_,
        far_scale_, f_number_, focal_length_, shape_detail_}) {
    connect(spin, &QDoubleSpinBox::valueChanged, this, &RefocusPanel::changed);
  }
  // The strength and the lens exclude each other: show which one applies.
  connect(f_number_, &QDoubleSpinBox::valueChanged, this, [this](double f) {
    strength_->setEnabled(f <= 0);
    focal_length_->setEnabled(f > 0);
  });
  connect(blades_, &QSpinBox::valueChanged, this, &RefocusPanel::changed);
}

RefocusControls RefocusPanel::controls() const {
  RefocusControls c;
  c.method = method_->currentText().toStdString();
  c.strength = strength_->value();
  c.depth_of_field = depth_of_field_->value();
  // Blade counts 1 and 2 are no aperture: the nearest polygon is 3.
  c.blades =
      blades_->value() == 1 || blades_->value() == 2 ? 3 : blades_->value();
  c.rotation = rotation_->value();
  c.highlights = highlights_->value();
  c.near_scale = near_scale_->value();
  c.far_scale = far_scale_->value();
  c.f_number = f_number_->value();
  c.focal_length_mm = focal_length_->value();
  c.shape_detail = shape_detail_->value();
  return c;
}

void RefocusPanel::SetControls(const RefocusControls& c) {
  const QSignalBlocker block(this);  // one changed() at the end, not eight
  const int method = method_->findText(QString::fromStdString(c.method));
  method_->setCurrentIndex(method >= 0 ? method : 0);
  strength_->setValue(c.strength);
  depth_of_field_->setValue(c.depth_of_field);
  blades_->setValue(c.blades);
  rotation_->setValue(c.rotation);
  highlights_->setValue(c.highlights);
  near_scale_->setValue(c.near_scale);
  far_scale_->setValue(c.far_scale);
  f_number_->setValue(c.f_number);
  focal_length_->setValue(c.focal_length_mm);
  shape_detail_->setValue(c.shape_detail);
  strength_->setEnabled(c.f_number <= 0);
  focal_length_->setEnabled(c.f_number > 0);
}

void RefocusPanel::SetFocusText(const QString& text) { focus_->setText(text); }

// ------------------------------------------------------------------- 3D

StereoPanel::StereoPanel(QWidget* parent) : QWidget(parent) {
  layout_ = new QComboBox;
  layout_->addItem(tr("Anaglyph (red-cyan)"),
                   static_cast<int>(StereoLayout::kAnaglyph));
  layout_->addItem(tr("Side by side"),
                   static_cast<int>(StereoLayout::kSideBySide));
  layout_->addItem(tr("Cross-eyed"),
                   static_cast<int>(StereoLayout::kCrossEyed));
  anaglyph_ = new QComboBox;
  anaglyph_->addItem(tr("Dubois (least ghosting)"),
                     static_cast<int>(AnaglyphMethod::kDubois));
  anaglyph_->addItem(tr("Half colour"),
                     static_cast<int>(AnaglyphMethod::kHalfColor));
  anaglyph_->addItem(tr("Gray"), static_cast<int>(AnaglyphMethod::kGray));
  anaglyph_->addItem(tr("Colour"), static_cast<int>(AnaglyphMethod::kColor));
  anaglyph_->setToolTip(tr("How the two views share the red and cyan"));
  foreground_scale_ =
      Spin(0, 4, 0.25, 2,
           tr("0 = depth linear in disparity; more gives the foreground "
              "more depth"));
  divergence_ = Spin(0, 10, 0.25, 2,
                     tr("Largest parallax between the views, percent of the "
                        "width"));
  convergence_mode_ = new QComboBox;
  convergence_mode_->addItem(tr("Manual"));
  convergence_mode_->addItem(tr("Auto (on the subject)"));
  convergence_ = Spin(0, 1, 0.05, 2,
                      tr("Screen plane: 0 = at the nearest point, 1 = at the "
                         "farthest"));
  auto* form = new QFormLayout(this);
  form->addRow(tr("Layout"), layout_);
  form->addRow(tr("Anaglyph"), anaglyph_);
  form->addRow(tr("Divergence (%)"), divergence_);
  form->addRow(tr("Foreground depth"), foreground_scale_);
  form->addRow(tr("Convergence"), convergence_mode_);
  form->addRow(tr("Screen plane"), convergence_);
  SetControls(StereoControls{});

  connect(layout_, &QComboBox::currentIndexChanged, this, [this] {
    anaglyph_->setEnabled(layout_->currentData().toInt() ==
                          static_cast<int>(StereoLayout::kAnaglyph));
    Q_EMIT changed();
  });
  connect(anaglyph_, &QComboBox::currentIndexChanged, this,
          &StereoPanel::changed);
  connect(foreground_scale_, &QDoubleSpinBox::valueChanged, this,
          &StereoPanel::changed);
  connect(convergence_mode_, &QComboBox::currentIndexChanged, this, [this] {
    convergence_->setEnabled(convergence_mode_->currentIndex() == 0);
    Q_EMIT changed();
  });
  connect(divergence_, &QDoubleSpinBox::valueChanged, this,
          &StereoPanel::changed);
  connect(convergence_, &QDoubleSpinBox::valueChanged, this,
          &StereoPanel::changed);
}

StereoControls StereoPanel::controls() const {
  StereoControls c;
  c.layout = static_cast<StereoLayout>(layout_->currentData().toInt());
  c.divergence = divergence_->value();
  c.anaglyph = static_cast<AnaglyphMethod>(anaglyph_->currentData().toInt());
  c.foreground_scale = foreground_scale_->value();
  if (convergence_mode_->currentIndex() == 1) {
    c.convergence.reset();
  } else {
    c.convergence = convergence_->value();
  }
  return c;
}

void StereoPanel::SetControls(const StereoControls& c) {
  const QSignalBlocker block(this);
  const int layout = layout_->findData(static_cast<int>(c.layout));
  layout_->setCurrentIndex(layout >= 0 ? layout : 0);
  const int anaglyph = anaglyph_->findData(static_cast<int>(c.anaglyph));
  anaglyph_->setCurrentIndex(anaglyph >= 0 ? anaglyph : 0);
  anaglyph_->setEnabled(c.layout == StereoLayout::kAnaglyph);
  divergence_->setValue(c.divergence);
  foreground_scale_->setValue(c.foreground_scale);
  convergence_mode_->setCurrentIndex(c.convergence ? 0 : 1);
  convergence_->setValue(c.convergence.value_or(0.5));
  convergence_->setEnabled(c.convergence.has_value());
}

// ------------------------------------------------------------------ Fog

FogPanel::FogPanel(QWidget* parent) : QWidget(parent) {
  mode_ = new QComboBox;
  mode_->addItem(tr("Exponential"));
  mode_->addItem(tr("Linear"));
  density_ = Spin(0, 5, 0.01, 3, tr("Exponential: density per unit depth"));
  near_ = Spin(0, 1000, 0.25, 2,
               tr("Depth where the fog starts (1 = the nearest content)"));
  far_ = Spin(0, 10000, 1, 2, tr("Linear: depth where the fog is complete"));
  height_falloff_ = Spin(0, 20, 0.5, 2,
                         tr("> 0: thickest at the bottom, thinning upwards "
                            "(ground fog)"));
  color_button_ = new QPushButton;
  auto* form = new QFormLayout(this);
  form->addRow(tr("Mode"), mode_);
  form->addRow(tr("Density"), density_);
  form->addRow(tr("Near"), near_);
  form->addRow(tr("Far"), far_);
  form->addRow(tr("Height falloff"), height_falloff_);
  form->addRow(tr("Colour"), color_button_);
  SetControls(FogControls{});

  connect(mode_, &QComboBox::currentIndexChanged, this, &FogPanel::changed);
  for (QDoubleSpinBox* spin : {density_, near_, far_, height_falloff_}) {
    connect(spin, &QDoubleSpinBox::valueChanged, this, &FogPanel::changed);
  }
  connect(color_button_, &QPushButton::clicked, this, [this] {
    const QColor color = QColorDialog::getColor(color_, this, tr("Fog colour"));
    if (!color.isValid()) return;
    color_ = color;
    ShowColor();
    Q_EMIT changed();
  });
}

void FogPanel::ShowColor() {
  color_button_->setText(color_.name());
  color_button_->setStyleSheet(
      QStringLiteral("background-color: %1").arg(color_.name()));
}

FogControls FogPanel::controls() const {
  FogControls c;
  c.linear = mode_->currentIndex() == 1;
  c.density = density_->value();
  c.near = near_->value();
  c.far = far_->value();
  c.height_falloff = height_falloff_->value();
  c.color = cv::Scalar(color_.blueF(), color_.greenF(), color_.redF());
  return c;
}

void FogPanel::SetControls(const FogControls& c) {
  const QSignalBlocker block(this);
  mode_->setCurrentIndex(c.linear ? 1 : 0);
  density_->setValue(c.density);
  near_->setValue(c.near);
  far_->setValue(c.far);
  height_falloff_->setValue(c.height_falloff);
  color_ = QColor::fromRgbF(static_cast<float>(c.color[2]),
                            static_cast<float>(c.color[1]),
                            static_cast<float>(c.color[0]));
  ShowColor();
}

}  // namespace parallax::studio
