#include "parallax/app/studio/main_window.h"

#include <algorithm>
#include <cmath>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "parallax/app/studio/batch_dialog.h"
#include "parallax/app/studio/control_panels.h"
#include "parallax/app/studio/depth_worker.h"
#include "parallax/app/studio/image_convert.h"
#include "parallax/app/studio/pages.h"
#include "parallax/app/studio/recent_list.h"
#include "parallax/app/studio/studio_info.h"
#include "parallax/io/image_io.h"
#include "parallax/util/check.h"

namespace parallax::studio {

namespace fs = std::filesystem;

namespace {

fs::path ToPath(const QString& path) { return fs::path(path.toStdString()); }

QString ImageFilter() {
  return QObject::tr(
      "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.pfm *.npy *.exr "
      "*.mpo);;All files (*)");
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("Parallax Studio"));
  setAcceptDrops(true);
  worker_ = new DepthWorker(this);
  confirm_ = [this](const QString& question) {
    return QMessageBox::question(this, tr("Replace the input?"), question) ==
           QMessageBox::Yes;
  };
  render_timer_.setSingleShot(true);
  render_timer_.setInterval(0);
  connect(&render_timer_, &QTimer::timeout, this, &MainWindow::RenderNow);

  banner_ = new QLabel;
  banner_->setWordWrap(true);
  banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  banner_->setStyleSheet(QStringLiteral(
      "QLabel { background: #7a2323; color: white; padding: 6px; }"));
  banner_->setVisible(false);
  banner_->setToolTip(tr("Click to dismiss"));

  pages_ = new QStackedWidget;
  home_ = new HomePage;
  pages_->addWidget(home_);
  pages_->addWidget(BuildWorkspace());
  pages_->addWidget(MakeTextPage(HelpHtml()));
  pages_->addWidget(MakeTextPage(AboutHtml()));

  auto* central = new QWidget;
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(banner_);
  layout->addWidget(pages_, 1);
  setCentralWidget(central);

  BuildActions();
  BuildMenus();
  LoadSettings();
  UpdateActions();

  connect(home_, &HomePage::openRequested, this, &MainWindow::OpenDialog);
  connect(home_, &HomePage::recentRequested, this,
          [this](const QString& path) { OpenImageInBackground(path); });
  connect(worker_, &DepthWorker::progress, this,
          [this](int percent, const QString& step) {
            depth_panel_->SetProgress(percent, step);
          });
  connect(
      worker_, &DepthWorker::finished, this,
      [this](const cv::Mat& disparity, const QString& description,
             double seconds) {
        depth_panel_->SetBusy(false);
        const QString done =
            tr("Depth in %1 s (%2)").arg(seconds, 0, 'f', 2).arg(description);
        depth_panel_->SetStatus(done);
        ShowInfo(done);
        SetDepth(disparity, /*estimated=*/true,
                 depth_panel_->model().toStdString());
      });
  connect(worker_, &DepthWorker::failed, this, [this](const QString& message) {
    depth_panel_->SetBusy(false);
    depth_panel_->SetStatus(QString());
    ShowError(tr("Depth failed: %1").arg(message));
    UpdateActions();
    Q_EMIT depthFailed(message);
  });
  connect(worker_, &DepthWorker::cancelled, this, [this] {
    depth_panel_->SetBusy(false);
    depth_panel_->SetStatus(tr("Cancelled."));
    ShowInfo(tr("Depth cancelled"));
    UpdateActions();
  });
}

MainWindow::~MainWindow() {
  if (save_thread_.joinable()) save_thread_.join();
}

// ------------------------------------------------------------ building

QWidget* MainWindow::BuildWorkspace() {
  view_ = new ImageView;
  view_mode_ = new QComboBox;
  view_mode_->addItem(tr("Image"), static_cast<int>(ViewMode::kImage));
  view_mode_->addItem(tr("Result"), static_cast<int>(ViewMode::kResult));
  view_mode_->addItem(tr("Side by side"),
                      static_cast<int>(ViewMode::kSideBySide));
  view_mode_->addItem(tr("Wipe"), static_cast<int>(ViewMode::kWipe));
  auto* view_bar = new QHBoxLayout;
  view_bar->addWidget(new QLabel(tr("View:")));
  view_bar->addWidget(view_mode_);
  view_bar->addStretch(1);
  auto* left = new QWidget;
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(4, 4, 4, 4);
  left_layout->addLayout(view_bar);
  left_layout->addWidget(view_, 1);

  depth_panel_ = new DepthPanel;
  refocus_panel_ = new RefocusPanel;
  stereo_panel_ = new StereoPanel;
  fog_panel_ = new FogPanel;
  steps_ = new QTabWidget;
  steps_->addTab(depth_panel_, tr("Depth"));
  steps_->addTab(refocus_panel_, tr("Refocus"));
  steps_->addTab(stereo_panel_, tr("3D"));
  steps_->addTab(fog_panel_, tr("Fog"));
  steps_->setMinimumWidth(300);

  auto* splitter = new QSplitter;
  splitter->addWidget(left);
  splitter->addWidget(steps_);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 0);

  connect(view_mode_, &QComboBox::currentIndexChanged, this, [this] {
    view_->SetMode(static_cast<ViewMode>(view_mode_->currentData().toInt()));
  });
  connect(steps_, &QTabWidget::currentChanged, this,
          [this] { ScheduleRender(); });
  connect(view_, &ImageView::imageClicked, this, [this](QPointF point) {
    if (stage() == Stage::kRefocus) SetFocusPoint(point);
  });
  connect(depth_panel_, &DepthPanel::computeRequested, this,
          &MainWindow::ComputeDepth);
  connect(depth_panel_, &DepthPanel::cancelRequested, this,
          &MainWindow::CancelDepth);
  connect(depth_panel_, &DepthPanel::loadDepthRequested, this,
          &MainWindow::LoadDepthDialog);
  connect(depth_panel_, &DepthPanel::browseModelRequested, this,
          &MainWindow::BrowseModelDialog);
  connect(depth_panel_, &DepthPanel::colormapChanged, this,
          &MainWindow::ScheduleRender);
  connect(refocus_panel_, &RefocusPanel::changed, this,
          &MainWindow::ScheduleRender);
  connect(stereo_panel_, &StereoPanel::changed, this,
          &MainWindow::ScheduleRender);
  connect(fog_panel_, &FogPanel::changed, this, &MainWindow::ScheduleRender);
  return splitter;
}

void MainWindow::BuildActions() {
  const auto make = [this](const QString& text, const QKeySequence& key,
                           auto slot) {
    auto* action = new QAction(text, this);
    if (!key.isEmpty()) action->setShortcut(key);
    connect(action, &QAction::triggered, this, slot);
    addAction(action);  // shortcuts work on every page
    return action;
  };
  open_action_ =
      make(tr("&Open..."), QKeySequence::Open, [this] { OpenDialog(); });
  load_depth_action_ = make(tr("&Load depth map..."), QKeySequence(),
                            [this] { LoadDepthDialog(); });
  save_action_ = make(tr("&Save result..."), QKeySequence::Save,
                      [this] { SaveResultDialog(); });
  save_depth_action_ =
      make(tr("Save &depth map..."), QKeySequence(tr("Ctrl+Shift+S")),
           [this] { SaveDepthDialog(); });
  batch_action_ = make(tr("&Batch..."), QKeySequence(tr("Ctrl+B")),
                       [this] { OpenBatch(); });
  compute_action_ = make(tr("&Compute depth"), QKeySequence(tr("Ctrl+D")),
                         [this] { ComputeDepth(); });
  cancel_action_ = make(tr("C&ancel depth"), QKeySequence(Qt::Key_Escape),
                        [this] { CancelDepth(); });
  zoom_in_action_ =
      make(tr("Zoom &in"), QKeySequence::ZoomIn, [this] { view_->ZoomIn(); });
  zoom_out_action_ = make(tr("Zoom &out"), QKeySequence::ZoomOut,
                          [this] { view_->ZoomOut(); });
  fit_action_ = make(tr("&Fit to window"), QKeySequence(tr("Ctrl+0")),
                     [this] { view_->Fit(); });
  actual_action_ = make(tr("&Actual pixels (1:1)"), QKeySequence(tr("Ctrl+1")),
                        [this] { view_->ActualPixels(); });
  const QStringList names = {tr("Image"), tr("Result"), tr("Side by side"),
                             tr("Wipe")};
  for (int i = 0; i < names.size(); ++i) {
    view_actions_ << make(names[i], QKeySequence(Qt::Key_1 + i),
                          [this, i] { SetViewMode(static_cast<ViewMode>(i)); });
  }
  toggle_action_ =
      make(tr("&Toggle image / result"), QKeySequence(Qt::Key_T), [this] {
        SetViewMode(view_->mode() == ViewMode::kResult ? ViewMode::kImage
                                                       : ViewMode::kResult);
      });
}

void MainWindow::BuildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(open_action_);
  recent_menu_ = file->addMenu(tr("Open &recent"));
  file->addAction(load_depth_action_);
  file->addSeparator();
  file->addAction(save_action_);
  file->addAction(save_depth_action_);
  file->addSeparator();
  file->addAction(batch_action_);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->addAction(zoom_in_action_);
  view->addAction(zoom_out_action_);
  view->addAction(fit_action_);
  view->addAction(actual_action_);
  view->addSeparator();
  for (QAction* action : view_actions_) view->addAction(action);
  view->addAction(toggle_action_);

  QMenu* depth = menuBar()->addMenu(tr("&Depth"));
  depth->addAction(compute_action_);
  depth->addAction(cancel_action_);
  depth->addAction(tr("Choose &model..."), this,
                   &MainWindow::BrowseModelDialog);

  QMenu* go = menuBar()->addMenu(tr("&Go"));
  go->addAction(tr("&Home"), this, [this] { ShowPage(Page::kHome); });
  go->addAction(tr("&Workspace"), this, [this] { ShowPage(Page::kWorkspace); });
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* help_page =
      help->addAction(tr("&Help"), this, [this] { ShowPage(Page::kHelp); });
  help_page->setShortcut(QKeySequence::HelpContents);
  addAction(help_page);
  help->addAction(tr("&About Parallax Studio"), this,
                  [this] { ShowPage(Page::kAbout); });

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName(QStringLiteral("main_toolbar"));
  bar->addAction(tr("Home"), this, [this] { ShowPage(Page::kHome); });
  bar->addAction(open_action_);
  bar->addAction(save_action_);
  bar->addSeparator();
  bar->addAction(compute_action_);
  bar->addAction(cancel_action_);
  bar->addSeparator();
  bar->addAction(zoom_out_action_);
  bar->addAction(zoom_in_action_);
  bar->addAction(fit_action_);
  bar->addAction(actual_action_);
  bar->addSeparator();
  bar->addAction(help_page);
  RefreshRecentMenus();
}

// ------------------------------------------------------------ settings

void MainWindow::LoadSettings() {
  QSettings settings;
  last_folder_ = settings.value(QStringLiteral("lastFolder")).toString();
  restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("windowState")).toByteArray());
  depth_panel_->SetRecentModels(
      settings.value(QStringLiteral("recentModels")).toStringList());
  depth_panel_->SelectModel(
      settings.value(QStringLiteral("lastModel")).toString());
  depth_panel_->SetColormap(
      settings.value(QStringLiteral("colormap"), QStringLiteral("turbo"))
          .toString());

  RefocusControls r;
  settings.beginGroup(QStringLiteral("refocus"));
  r.method = settings.value("method", QString::fromStdString(r.method))
                 .toString()
                 .toStdString();
  r.strength = settings.value("strength", r.strength).toDouble();
  r.depth_of_field =
      settings.value("depthOfField", r.depth_of_field).toDouble();
  r.blades = settings.value("blades", r.blades).toInt();
  r.rotation = settings.value("rotation", r.rotation).toDouble();
  r.highlights = settings.value("highlights", r.highlights).toDouble();
  r.near_scale = settings.value("nearScale", r.near_scale).toDouble();
  r.far_scale = settings.value("farScale", r.far_scale).toDouble();
  r.f_number = settings.value("fNumber", r.f_number).toDouble();
  r.focal_length_mm =
      settings.value("focalLength", r.focal_length_mm).toDouble();
  r.shape_detail = settings.value("shapeDetail", r.shape_detail).toDouble();
  settings.endGroup();
  refocus_panel_->SetControls(r);

  StereoControls s;
  settings.beginGroup(QStringLiteral("stereo"));
  s.layout = static_cast<StereoLayout>(
      settings.value("layout", static_cast<int>(s.layout)).toInt());
  s.divergence = settings.value("divergence", s.divergence).toDouble();
  s.anaglyph = static_cast<AnaglyphMethod>(
      settings.value("anaglyph", static_cast<int>(s.anaglyph)).toInt());
  s.foreground_scale =
      settings.value("foregroundScale", s.foreground_scale).toDouble();
  if (settings.value("autoConvergence", false).toBool()) {
    s.convergence.reset();
  } else {
    s.convergence = settings.value("convergence", 0.5).toDouble();
  }
  settings.endGroup();
  stereo_panel_->SetControls(s);

  FogControls f;
  settings.beginGroup(QStringLiteral("fog"));
  f.linear = settings.value("linear", f.linear).toBool();
  f.density = settings.value("density", f.density).toDouble();
  f.near = settings.value("near", f.near).toDouble();
  f.far = settings.value("far", f.far).toDouble();
  f.height_falloff =
      settings.value("heightFalloff", f.height_falloff).toDouble();
  const QColor color =
      settings.value("color", QColor::fromRgbF(0.8f, 0.8f, 0.8f))
          .value<QColor>();
  f.color = cv::Scalar(color.blueF(), color.greenF(), color.redF());
  settings.endGroup();
  fog_panel_->SetControls(f);
}

void MainWindow::SaveSettings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("lastFolder"), last_folder_);
  settings.setValue(QStringLiteral("geometry"), saveGeometry());
  settings.setValue(QStringLiteral("windowState"), saveState());
  settings.setValue(QStringLiteral("lastModel"), depth_panel_->model());
  settings.setValue(QStringLiteral("colormap"), depth_panel_->colormap_name());
  const RefocusControls r = refocus_panel_->controls();
  settings.beginGroup(QStringLiteral("refocus"));
  settings.setValue("method", QString::fromStdString(r.method));
  settings.setValue("strength", r.strength);
  settings.setValue("depthOfField", r.depth_of_field);
  settings.setValue("blades", r.blades);
  settings.setValue("rotation", r.rotation);
  settings.setValue("highlights", r.highlights);
  settings.setValue("nearScale", r.near_scale);
  settings.setValue("farScale", r.far_scale);
  settings.setValue("fNumber", r.f_number);
  settings.setValue("focalLength", r.focal_length_mm);
  settings.setValue("shapeDetail", r.shape_detail);
  settings.endGroup();
  const StereoControls s = stereo_panel_->controls();
  settings.beginGroup(QStringLiteral("stereo"));
  settings.setValue("layout", static_cast<int>(s.layout));
  settings.setValue("divergence", s.divergence);
  settings.setValue("anaglyph", static_cast<int>(s.anaglyph));
  settings.setValue("foregroundScale", s.foreground_scale);
  settings.setValue("autoConvergence", !s.convergence.has_value());
  settings.setValue("convergence", s.convergence.value_or(0.5));
  settings.endGroup();
  const FogControls f = fog_panel_->controls();
  settings.beginGroup(QStringLiteral("fog"));
  settings.setValue("linear", f.linear);
  settings.setValue("density", f.density);
  settings.setValue("near", f.near);
  settings.setValue("far", f.far);
  settings.setValue("heightFalloff", f.height_falloff);
  settings.setValue("color", QColor::fromRgbF(static_cast<float>(f.color[2]),
                                              static_cast<float>(f.color[1]),
                                              static_cast<float>(f.color[0])));
  settings.endGroup();
}

void MainWindow::AddRecentFile(const QString& path) {
  QSettings settings;
  settings.setValue(
      QStringLiteral("recentFiles"),
      PushRecent(settings.value(QStringLiteral("recentFiles")).toStringList(),
                 QFileInfo(path).absoluteFilePath()));
  RefreshRecentMenus();
}

void MainWindow::RefreshRecentMenus() {
  const QStringList files =
      QSettings().value(QStringLiteral("recentFiles")).toStringList();
  recent_menu_->clear();
  for (const QString& file : files) {
    recent_menu_->addAction(file, this,
                            [this, file] { OpenImageInBackground(file); });
  }
  recent_menu_->setEnabled(!files.isEmpty());
  home_->SetRecentFiles(files);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // Quitting would cancel a running batch (its finished files are kept):
  // not without asking.
  if (batch_dialog_ && batch_dialog_->running() &&
      !confirm_(tr("A batch is still running. Quit and cancel it? Finished "
                   "files are kept."))) {
    event->ignore();
    return;
  }
  SaveSettings();
  worker_->Cancel();
  event->accept();
}

// ------------------------------------------------------------- banner

void MainWindow::ShowError(const QString& message) {
  banner_->setText(message);
  banner_->setVisible(true);
  statusBar()->showMessage(message, 10000);
}

void MainWindow::ClearBanner() {
  banner_->clear();
  banner_->setVisible(false);
}

void MainWindow::ShowInfo(const QString& message) {
  statusBar()->showMessage(message, 10000);
}

QString MainWindow::banner_text() const {
  // ClearBanner() empties it: the text is what the banner shows.
  return banner_->text();
}

// ------------------------------------------------------------ document

namespace {

// A photo read off the GUI thread, or why it could not be.
struct LoadedPhoto {
  cv::Mat photo;
  QString error;
};

LoadedPhoto ReadPhoto(const QString& path) {
  LoadedPhoto loaded;
  try {
    loaded.photo = LoadPhoto(ToPath(path));
  } catch (const std::exception& e) {
    loaded.error = QString::fromUtf8(e.what());
  }
  return loaded;
}

}  // namespace

bool MainWindow::OpenImage(const QString& path) {
  LoadedPhoto loaded = ReadPhoto(path);
  return ShowOpenedPhoto(path, loaded.photo, loaded.error);
}

void MainWindow::OpenImageInBackground(const QString& path) {
  // A newer open supersedes one still reading; its result is dropped.
  const int generation = ++open_generation_;
  ShowInfo(tr("Opening %1...").arg(QFileInfo(path).fileName()));
  opening_ = true;
  auto* watcher = new QFutureWatcher<LoadedPhoto>(this);
  connect(watcher, &QFutureWatcher<LoadedPhoto>::finished, this,
          [this, watcher, path, generation] {
            watcher->deleteLater();
            if (generation != open_generation_) return;
            opening_ = false;
            LoadedPhoto loaded = watcher->result();
            ShowOpenedPhoto(path, loaded.photo, loaded.error);
          });
  watcher->setFuture(QtConcurrent::run(ReadPhoto, path));
}

bool MainWindow::ShowOpenedPhoto(const QString& path, const cv::Mat& photo,
                                 const QString& error) {
  if (photo.empty()) {
    // The current document stays as it was.
    ShowError(tr("Could not open %1: %2").arg(path, error));
    Q_EMIT imageOpened(false);
    return false;
  }
  const cv::Mat image = EightBit(photo);
  worker_->Cancel();
  ClearBanner();
  document_ = Document{};
  document_.path = ToPath(QFileInfo(path).absoluteFilePath());
  document_.image = image;
  document_.full = photo;
  previews_.reset();
  focus_.reset();
  focus_point_.reset();
  last_preview_.release();
  view_->SetImageSize(QSize(image.cols, image.rows));
  view_->SetImage(ToQImage(LimitWidth(image, kPreviewMaxWidth)));
  view_->SetResult(QImage());
  view_->SetResultWidthFactor(1);
  view_->SetMarker(std::nullopt);
  SetViewMode(ViewMode::kImage);
  depth_panel_->SetStatus(tr("%1 x %2. Compute or load its depth.")
                              .arg(image.cols)
                              .arg(image.rows));
  last_folder_ = QFileInfo(path).absolutePath();
  AddRecentFile(path);
  setWindowTitle(tr("%1 - Parallax Studio").arg(QFileInfo(path).fileName()));
  ShowPage(Page::kWorkspace);
  steps_->setCurrentIndex(static_cast<int>(Stage::kDepth));
  UpdateActions();
  Q_EMIT imageOpened(true);
  return true;
}

bool MainWindow::LoadDepthMap(const QString& path) {
  if (!document_.has_image()) {
    ShowError(tr("Open an image before its depth map"));
    return false;
  }
  cv::Mat disparity;
  try {
    disparity = LoadDisparityMap(ToPath(path), document_.image.size(),
                                 depth_panel_->given_kind());
  } catch (const std::exception& e) {
    ShowError(tr("Could not load the depth map: %1")
                  .arg(QString::fromUtf8(e.what())));
    return false;
  }
  worker_->Cancel();
  ClearBanner();
  depth_panel_->SetStatus(tr("Depth from %1").arg(QFileInfo(path).fileName()));
  SetDepth(disparity, /*estimated=*/false, path.toStdString());
  return true;
}

void MainWindow::SetDepth(const cv::Mat& disparity, bool estimated,
                          const std::string& source) {
  try {
    previews_ =
        std::make_unique<EffectPreviews>(document_.image, disparity, estimated);
  } catch (const std::exception& e) {
    ShowError(tr("Cannot use this depth: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  document_.disparity = disparity;
  document_.estimated = estimated;
  document_.depth_source = source;
  // As `parallax defocus` without --focus: the image centre.
  SetFocusPoint(QPointF(disparity.cols / 2, disparity.rows / 2));
  SetViewMode(ViewMode::kResult);
  UpdateActions();
  RenderNow();
  Q_EMIT depthReady();
}

void MainWindow::ComputeDepth() {
  if (!document_.has_image()) {
    ShowError(tr("Open an image first"));
    return;
  }
  ClearBanner();
  DepthRequest request;
  request.image = document_.image;
  request.model = depth_panel_->model().toStdString();
  request.device = depth_panel_->device().toStdString();
  depth_panel_->SetBusy(true);
  depth_panel_->SetProgress(0, tr("Starting"));
  worker_->Start(request);
  UpdateActions();
}

void MainWindow::CancelDepth() {
  worker_->Cancel();
  UpdateActions();
}

void MainWindow::SetModel(const QString& model) {
  depth_panel_->SelectModel(model);
}

void MainWindow::SetDevice(const QString& device) {
  depth_panel_->SelectDevice(device);
}

void MainWindow::OpenBatch() {
  if (!batch_dialog_) batch_dialog_ = new BatchDialog(this);
  // The window's current model and device, unless a batch is running with
  // its own.
  if (!batch_dialog_->running()) {
    batch_dialog_->SetModel(depth_panel_->model());
    batch_dialog_->SetDevice(depth_panel_->device());
  }
  batch_dialog_->show();
  batch_dialog_->raise();
  batch_dialog_->activateWindow();
}

// ------------------------------------------------------------ pages, view

void MainWindow::ShowPage(Page page) {
  pages_->setCurrentIndex(static_cast<int>(page));
}

Page MainWindow::page() const {
  return static_cast<Page>(pages_->currentIndex());
}

void MainWindow::SetStage(Stage stage) {
  steps_->setCurrentIndex(static_cast<int>(stage));
}

Stage MainWindow::stage() const {
  return static_cast<Stage>(steps_->currentIndex());
}

void MainWindow::SetViewMode(ViewMode mode) {
  view_mode_->setCurrentIndex(view_mode_->findData(static_cast<int>(mode)));
  view_->SetMode(mode);
}

double MainWindow::preview_scale() const {
  return previews_ ? previews_->scale() : 1.0;
}

void MainWindow::SetFocusPoint(QPointF image_point) {
  if (!document_.has_depth()) return;
  const cv::Point pixel(std::clamp(static_cast<int>(image_point.x()), 0,
                                   document_.disparity.cols - 1),
                        std::clamp(static_cast<int>(image_point.y()), 0,
                                   document_.disparity.rows - 1));
  try {
    focus_ = FocusForClick(document_.disparity, pixel);
  } catch (const std::exception& e) {
    ShowError(QString::fromUtf8(e.what()));
    return;
  }
  focus_point_ = QPointF(pixel.x, pixel.y);
  view_->SetMarker(focus_point_);
  refocus_panel_->SetFocusText(tr("Focus at %1, %2: disparity %3")
                                   .arg(pixel.x)
                                   .arg(pixel.y)
                                   .arg(*focus_, 0, 'f', 2));
  ScheduleRender();
}

void MainWindow::ScheduleRender() { render_timer_.start(); }

void MainWindow::RenderNow() {
  render_timer_.stop();
  if (!previews_) return;
  try {
    switch (stage()) {
      case Stage::kDepth:
        last_preview_ = EncodePreview(
            previews_->disparity(), RobustRange(previews_->disparity()),
            /*invert=*/false, depth_panel_->colormap());
        break;
      case Stage::kRefocus:
        last_preview_ =
            previews_->Refocus(focus_.value_or(0), refocus_panel_->controls());
        break;
      case Stage::kStereo:
        last_preview_ = previews_->Stereo(stereo_panel_->controls());
        break;
      case Stage::kFog:
        last_preview_ = previews_->Fog(fog_panel_->controls());
        break;
    }
  } catch (const std::exception& e) {
    ShowError(QString::fromUtf8(e.what()));
    // No wide preview stays behind a failed one (clicks need the photo's
    // coordinates).
    view_->SetResultWidthFactor(1);
    return;
  }
  // A side-by-side or cross-eyed frame is twice as wide as the photo:
  // shown alone it keeps its aspect (ImageView::SetResultWidthFactor).
  view_->SetMarker(stage() == Stage::kRefocus ? focus_point_ : std::nullopt);
  view_->SetResult(ToQImage(last_preview_));
  view_->SetResultWidthFactor(std::max(
      1, static_cast<int>(std::lround(static_cast<double>(last_preview_.cols) *
                                      previews_->image().rows /
                                      (static_cast<double>(last_preview_.rows) *
                                       previews_->image().cols)))));
  Q_EMIT previewRendered();
}

void MainWindow::UpdateActions() {
  const bool image = document_.has_image();
  const bool depth = document_.has_depth();
  const bool busy = worker_->busy();
  compute_action_->setEnabled(image && !busy);
  depth_panel_->compute_button()->setEnabled(image && !busy);
  cancel_action_->setEnabled(busy);
  load_depth_action_->setEnabled(image);
  save_action_->setEnabled(depth);
  save_depth_action_->setEnabled(depth);
}

// --------------------------------------------------------------- saving

bool MainWindow::SaveOutput(OutputKind kind, const QString& path) {
  if (!document_.has_depth()) {
    ShowError(tr("Nothing to save yet: compute or load the depth first"));
    return false;
  }
  if (save_running_) {
    ShowError(tr("A save is still running"));
    return false;
  }
  if (IsSameFile(ToPath(path), document_.path) &&
      !confirm_(tr("%1 is the photo you opened. Replace it?").arg(path))) {
    ShowInfo(tr("Not saved"));
    return false;
  }
  OutputJob job;
  job.kind = kind;
  job.path = ToPath(path);
  // Refocus and fog render the photo at its own bit depth, as the CLI.
  job.image = document_.full.empty() ? document_.image : document_.full;
  job.disparity = document_.disparity;
  job.estimated = document_.estimated;
  job.colormap = depth_panel_->colormap();
  job.focus = focus_.value_or(0);
  job.refocus = refocus_panel_->controls();
  job.stereo = stereo_panel_->controls();
  job.fog = fog_panel_->controls();
  if (save_thread_.joinable()) save_thread_.join();
  save_running_ = true;
  ShowInfo(tr("Saving %1...").arg(path));
  // The full-resolution render can take seconds: off the GUI thread. The
  // window outlives the thread (the destructor joins it).
  save_thread_ = std::thread([this, job, path] {
    QString error;
    try {
      WriteOutput(job);
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, error, path] {
          save_running_ = false;
          if (error.isEmpty()) {
            ShowInfo(tr("Saved %1").arg(path));
          } else {
            ShowError(tr("Could not save: %1").arg(error));
          }
          Q_EMIT saveFinished(error.isEmpty(), error.isEmpty() ? path : error);
        },
        Qt::QueuedConnection);
  });
  return true;
}

// -------------------------------------------------------------- dialogs

void MainWindow::OpenDialog() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open image"), last_folder_, ImageFilter());
  if (!path.isEmpty()) OpenImageInBackground(path);
}

void MainWindow::LoadDepthDialog() {
  const QString path = QFileDialog::getOpenFileName(
      this,
      depth_panel_->given_kind() == "depth"
          ? tr("Load depth map (Z: distance, larger = farther)")
          : tr("Load depth map (disparity: larger = nearer)"),
      last_folder_,
      tr("Depth maps (*.pfm *.npy *.exr *.png *.tif *.tiff);;All files (*)"));
  if (!path.isEmpty()) LoadDepthMap(path);
}

void MainWindow::BrowseModelDialog() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Choose a depth model"), last_folder_,
      tr("Models (*.plx *.pth *.pt);;All files (*)"));
  if (path.isEmpty()) return;
  QSettings settings;
  const QStringList models = PushRecent(
      settings.value(QStringLiteral("recentModels")).toStringList(), path);
  settings.setValue(QStringLiteral("recentModels"), models);
  depth_panel_->SetRecentModels(models);
  depth_panel_->SelectModel(path);
}

QString MainWindow::AskSavePath(const QString& title, const QString& filters,
                                QString* selected_filter) {
  const QString suggestion =
      QFileInfo(last_folder_,
                QString::fromStdString(document_.path.stem().string()))
          .filePath();
  return QFileDialog::getSaveFileName(this, title, suggestion, filters,
                                      selected_filter);
}

void MainWindow::SaveResultDialog() {
  if (stage() == Stage::kDepth) return SaveDepthDialog();
  QString filter;
  const QString path = AskSavePath(
      tr("Save result"),
      tr("PNG (*.png);;JPEG (*.jpg);;TIFF (*.tif);;WebP (*.webp)"), &filter);
  if (path.isEmpty()) return;
  const OutputKind kind = stage() == Stage::kRefocus  ? OutputKind::kRefocused
                          : stage() == Stage::kStereo ? OutputKind::kStereo
                                                      : OutputKind::kFog;
  SaveOutput(kind, path);
}

void MainWindow::SaveDepthDialog() {
  const QString color = tr("Colour PNG (*.png)");
  QString filters =
      tr("16-bit PNG (*.png);;PFM float (*.pfm);;NumPy float "
         "(*.npy)");
  if (ExrSupported()) filters += tr(";;OpenEXR float (*.exr)");
  filters += QStringLiteral(";;") + color;
  QString filter;
  const QString path = AskSavePath(tr("Save depth map"), filters, &filter);
  if (path.isEmpty()) return;
  SaveOutput(filter == color ? OutputKind::kDepthColor
                             : DepthKindForPath(ToPath(path)),
             path);
}

// ------------------------------------------------------------ drag, drop

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls() &&
      event->mimeData()->urls().front().isLocalFile()) {
    event->acceptProposedAction();
  }
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (urls.isEmpty() || !urls.front().isLocalFile()) return;
  OpenImageInBackground(urls.front().toLocalFile());
  event->acceptProposedAction();
}

}  // namespace parallax::studio
