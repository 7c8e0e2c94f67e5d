// File > Batch...: one of the four jobs over files, folders or a video
// (batch_job.h), run on a worker thread. The dialog is modeless: the window
// stays usable while a batch runs, and closing the dialog leaves the batch
// running (reopen it to follow). Progress shows per file; written, skipped
// and failed files are listed as they happen; Cancel stops at the next
// file (or frame), keeping the finished files. Another batch can start
// once one ends.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include <QDialog>
#include <QListWidget>
#include <QStringList>

#include "parallax/app/studio/batch_job.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace parallax::studio {

// The input list: accepts files and folders dropped on it.
class BatchInputList : public QListWidget {
  Q_OBJECT

 public:
  explicit BatchInputList(QWidget* parent = nullptr);
  // Adds paths not listed yet.
  void AddPaths(const QStringList& paths);
  QStringList paths() const;

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dropEvent(QDropEvent* event) override;
};

class BatchDialog : public QDialog {
  Q_OBJECT

 public:
  // What a line of the results list is about.
  enum class Line { kWritten, kSkipped, kFailed, kInfo };

  explicit BatchDialog(QWidget* parent = nullptr);
  // Cancels a running batch and waits for its thread.
  ~BatchDialog() override;

  // The form, also for tests.
  void AddInputs(const QStringList& paths);
  void SetOutput(const QString& path);
  void SetKind(BatchKind kind);
  // Model (path or name; empty = the shipped default) and device: the main
  // window passes its current choice.
  void SetModel(const QString& model);
  void SetDevice(const QString& device);
  void SetExisting(ExistingOutputs existing);
  // The request the form describes.
  BatchRequest request() const;

  // Starts a batch (refused while one runs); Cancel asks it to stop.
  void Start();
  void Cancel();
  bool running() const { return job_ != 0; }

  // The results list: lines of one kind, as shown ("photo_3d.png", ...).
  QStringList lines(Line kind) const;
  // The status line: "Finished: ...", "cancelled: finished files are
  // kept", or the error of the whole job.
  QString status_text() const;

  QPushButton* start_button() const { return start_; }
  QPushButton* cancel_button() const { return cancel_; }
  BatchInputList* input_list() const { return inputs_; }
  QProgressBar* progress_bar() const { return progress_; }
  QComboBox* kind_box() const { return kind_; }

  // Tests: each cancel check of the job first waits this long.
  void SetStepDelayForTesting(std::chrono::milliseconds delay) {
    step_delay_ = delay;
  }

 Q_SIGNALS:
  // A batch ended (finished, cancelled or failed); the dialog is ready for
  // another.
  void batchEnded();

 private:
  void AddFilesDialog();
  void AddFolderDialog();
  void RemoveSelected();
  void BrowseOutputFolder();
  void BrowseOutputFile();
  void AddLine(Line kind, const QString& text);
  void SetRunning(bool running);
  void OnProgress(const JobProgress& report);
  void OnEnded(const BatchResult& result);
  void JoinThread();

  BatchInputList* inputs_;
  QLineEdit* output_;
  QComboBox* kind_;
  QStackedWidget* settings_;
  QComboBox* depth_format_;
  QComboBox* colormap_;
  QComboBox* layout_;
  QComboBox* defocus_method_;
  QDoubleSpinBox* max_blur_;
  QDoubleSpinBox* fog_density_;
  QLineEdit* model_;
  QComboBox* device_;
  QComboBox* existing_;
  QProgressBar* progress_;
  QLabel* progress_label_;
  QListWidget* results_;
  QLabel* status_;
  QPushButton* start_;
  QPushButton* cancel_;
  QPushButton* close_;
  QList<QWidget*> form_;  // disabled while a batch runs

  std::thread thread_;
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  uint64_t next_job_ = 1;
  uint64_t job_ = 0;  // the running batch; 0 = none (GUI thread only)
  QStringList failures_shown_;
  std::chrono::milliseconds step_delay_{0};
};

}  // namespace parallax::studio
