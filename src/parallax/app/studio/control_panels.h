// The side panels of the workspace, one per step: Depth, Refocus, 3D, Fog.
// Each turns its widgets into the plain control structs of
// effect_previews.h and says when they change; none renders anything.
#pragma once

#include <QColor>
#include <QStringList>
#include <QWidget>

#include <string>

#include "parallax/app/studio/effect_previews.h"
#include "parallax/infer/disparity_output.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace parallax::studio {

class DepthPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DepthPanel(QWidget* parent = nullptr);

  // The model box: the default (empty string) first, then these files.
  void SetRecentModels(const QStringList& models);
  // Selects `model` (adding it when new); empty = the default.
  void SelectModel(const QString& model);
  QString model() const;
  QString device() const;
  // "cpu", "auto", "cuda", "cuda:N" (added when not listed).
  void SelectDevice(const QString& device);
  Colormap colormap() const;
  void SetColormap(const QString& name);
  QString colormap_name() const;
  // How "Load depth map" reads a file: "disparity" or "depth" (Z).
  std::string given_kind() const;

  // Busy: progress shown, Compute disabled, Cancel enabled.
  void SetBusy(bool busy);
  void SetProgress(int percent, const QString& step);
  void SetStatus(const QString& text);

  QPushButton* compute_button() const { return compute_; }
  QPushButton* cancel_button() const { return cancel_; }
  QComboBox* model_box() const { return model_box_; }

 Q_SIGNALS:
  void computeRequested();
  void cancelRequested();
  void loadDepthRequested();
  void browseModelRequested();
  void colormapChanged();

 private:
  QComboBox* model_box_;
  QComboBox* device_box_;
  QComboBox* colormap_box_;
  QComboBox* given_kind_;
  QPushButton* compute_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* status_;
};

class RefocusPanel : public QWidget {
  Q_OBJECT

 public:
  explicit RefocusPanel(QWidget* parent = nullptr);
  RefocusControls controls() const;
  void SetControls(const RefocusControls& controls);
  void SetFocusText(const QString& text);

 Q_SIGNALS:
  void changed();

 private:
  QComboBox* method_;
  QDoubleSpinBox* strength_;
  QDoubleSpinBox* depth_of_field_;
  QSpinBox* blades_;
  QDoubleSpinBox* rotation_;
  QDoubleSpinBox* highlights_;
  QDoubleSpinBox* near_scale_;
  QDoubleSpinBox* far_scale_;
  QDoubleSpinBox* f_number_;
  QDoubleSpinBox* focal_length_;
  QDoubleSpinBox* shape_detail_;
  QLabel* focus_;
};

class StereoPanel : public QWidget {
  Q_OBJECT

 public:
  explicit StereoPanel(QWidget* parent = nullptr);
  StereoControls controls() const;
  void SetControls(const StereoControls& controls);

 Q_SIGNALS:
  void changed();

 private:
  QComboBox* layout_;
  QComboBox* anaglyph_;
  QDoubleSpinBox* divergence_;
  QDoubleSpinBox* foreground_scale_;
  QComboBox* convergence_mode_;
  QDoubleSpinBox* convergence_;
};

class FogPanel : public QWidget {
  Q_OBJECT

 public:
  explicit FogPanel(QWidget* parent = nullptr);
  FogControls controls() const;
  void SetControls(const FogControls& controls);

 Q_SIGNALS:
  void changed();

 private:
  void ShowColor();

  QComboBox* mode_;
  QDoubleSpinBox* density_;
  QDoubleSpinBox* near_;
  QDoubleSpinBox* far_;
  QDoubleSpinBox* height_falloff_;
  QPushButton* color_button_;
  QColor color_;
};

}  // namespace parallax::studio
