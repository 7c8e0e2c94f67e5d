// The studio's window: pages (Home, Workspace, Help, About), menus,
// toolbar and shortcuts, the document, the depth worker, the live previews
// and saving. Errors never block: they go to a banner above the pages (and
// the status bar), which tests read through banner_text().
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include <QMainWindow>
#include <QTimer>

#include "parallax/app/studio/document.h"
#include "parallax/app/studio/effect_previews.h"
#include "parallax/app/studio/image_view.h"
#include "parallax/app/studio/output_writer.h"

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QStackedWidget;
class QTabWidget;

namespace parallax::studio {

class BatchDialog;
class DepthPanel;
class DepthWorker;
class FogPanel;
class HomePage;
class RefocusPanel;
class StereoPanel;

enum class Page { kHome, kWorkspace, kHelp, kAbout };
enum class Stage { kDepth, kRefocus, kStereo, kFog };

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a photo; on failure the banner says why and the current document
  // stays as it was. Returns success.
  bool OpenImage(const QString& path);
  // The same, reading the file on a pool thread (a 24 Mpx photo takes
  // about half a second) so the window stays responsive; imageOpened()
  // tells when it is done. What the File menu, recent files, drag and drop
  // and the command line use.
  void OpenImageInBackground(const QString& path);
  bool opening() const { return opening_; }
  // Uses a disparity map file as the photo's depth (no network).
  bool LoadDepthMap(const QString& path);
  // Starts the network in the background with the chosen model.
  void ComputeDepth();
  void CancelDepth();
  // Model (path or name; empty = default) and device for ComputeDepth.
  void SetModel(const QString& model);
  void SetDevice(const QString& device);

  // File > Batch...: shows the batch dialog (created on first use) with
  // the current model and device; a running batch keeps running.
  void OpenBatch();
  // Null until OpenBatch().
  BatchDialog* batch_dialog() const { return batch_dialog_; }
  QAction* batch_action() const { return batch_action_; }

  void ShowPage(Page page);
  Page page() const;
  void SetStage(Stage stage);
  Stage stage() const;
  void SetViewMode(ViewMode mode);

  // What a click on the image does in the Refocus step: focus on the depth
  // under this full-resolution pixel.
  void SetFocusPoint(QPointF image_point);
  // Renders a pending preview now (previews are coalesced on a 0 ms timer).
  void RenderNow();

  // Saves `kind` at full resolution in the background. Refused (false, with
  // the reason in the banner) without depth, while another save runs, or
  // over the input photo unless the confirmation hook agrees.
  bool SaveOutput(OutputKind kind, const QString& path);
  bool save_running() const { return save_running_; }

  // The question asked before replacing the input file; tests replace it.
  using ConfirmHook = std::function<bool(const QString& question)>;
  void SetConfirmHook(ConfirmHook hook) { confirm_ = std::move(hook); }

  const Document& document() const { return document_; }
  std::optional<float> focus() const { return focus_; }
  // The last preview of the current step (preview resolution, BGR) and its
  // scale relative to the photo.
  const cv::Mat& last_preview() const { return last_preview_; }
  double preview_scale() const;
  QString banner_text() const;
  ImageView* view() const { return view_; }
  DepthWorker* depth_worker() const { return worker_; }
  DepthPanel* depth_panel() const { return depth_panel_; }
  RefocusPanel* refocus_panel() const { return refocus_panel_; }
  StereoPanel* stereo_panel() const { return stereo_panel_; }
  FogPanel* fog_panel() const { return fog_panel_; }
  QAction* open_action() const { return open_action_; }

 Q_SIGNALS:
  void imageOpened(bool ok);
  void depthReady();
  void depthFailed(const QString& message);
  void saveFinished(bool ok, const QString& message);
  void previewRendered();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void BuildActions();
  void BuildMenus();
  QWidget* BuildWorkspace();
  void LoadSettings();
  void SaveSettings() const;
  void AddRecentFile(const QString& path);
  void RefreshRecentMenus();

  // Makes `photo` the document, or shows `error` when it is empty.
  bool ShowOpenedPhoto(const QString& path, const cv::Mat& photo,
                       const QString& error);
  void ShowError(const QString& message);
  void ClearBanner();
  void ShowInfo(const QString& message);

  // Depth arrived (network or file): previews prepared, focus at the
  // centre as `parallax defocus` does without --focus.
  void SetDepth(const cv::Mat& disparity, bool estimated,
                const std::string& source);
  void ScheduleRender();
  void UpdateActions();

  void OpenDialog();
  void LoadDepthDialog();
  void BrowseModelDialog();
  void SaveResultDialog();
  void SaveDepthDialog();
  QString AskSavePath(const QString& title, const QString& filters,
                      QString* selected_filter);

  Document document_;
  std::unique_ptr<EffectPreviews> previews_;
  std::optional<float> focus_;
  std::optional<QPointF> focus_point_;
  cv::Mat last_preview_;
  QTimer render_timer_;

  DepthWorker* worker_ = nullptr;
  BatchDialog* batch_dialog_ = nullptr;
  std::thread save_thread_;
  bool save_running_ = false;
  ConfirmHook confirm_;
  QString last_folder_;
  int open_generation_ = 0;
  bool opening_ = false;

  QLabel* banner_ = nullptr;
  QStackedWidget* pages_ = nullptr;
  HomePage* home_ = nullptr;
  ImageView* view_ = nullptr;
  QComboBox* view_mode_ = nullptr;
  QTabWidget* steps_ = nullptr;
  DepthPanel* depth_panel_ = nullptr;
  RefocusPanel* refocus_panel_ = nullptr;
  StereoPanel* stereo_panel_ = nullptr;
  FogPanel* fog_panel_ = nullptr;
  QMenu* recent_menu_ = nullptr;

  QAction* open_action_ = nullptr;
  QAction* load_depth_action_ = nullptr;
  QAction* save_action_ = nullptr;
  QAction* save_depth_action_ = nullptr;
  QAction* batch_action_ = nullptr;
  QAction* compute_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
  QAction* zoom_in_action_ = nullptr;
  QAction* zoom_out_action_ = nullptr;
  QAction* fit_action_ = nullptr;
  QAction* actual_action_ = nullptr;
  QAction* toggle_action_ = nullptr;
  QList<QAction*> view_actions_;
};

}  // namespace parallax::studio
