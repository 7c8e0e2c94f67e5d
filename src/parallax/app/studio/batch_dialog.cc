#include "parallax/app/studio/batch_dialog.h"

#include <QColor>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDragMoveEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMetaObject>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "parallax/io/image_io.h"

namespace parallax::studio {

namespace {

constexpr int kLineRole = Qt::UserRole + 1;

QStringList LocalPaths(const QMimeData* mime) {
  QStringList paths;
  if (mime == nullptr || !mime->hasUrls()) return paths;
  for (const QUrl& url : mime->urls()) {
    if (url.isLocalFile()) paths << url.toLocalFile();
  }
  return paths;
}

QComboBox* MakeCombo(const QList<QPair<QString, QString>>& items) {
  auto* box = new QComboBox;
  for (const auto& [text, data] : items) box->addItem(text, data);
  return box;
}

QString Data(const QComboBox* box) { return box->currentData().toString(); }

}  // namespace

// ------------------------------------------------------------ input list

BatchInputList::BatchInputList(QWidget* parent) : QListWidget(parent) {
  setAcceptDrops(true);
  viewport()->setAcceptDrops(true);
  setDragDropMode(QAbstractItemView::DropOnly);
  setSelectionMode(QAbstractItemView::ExtendedSelection);
  setToolTip(tr("Photos, folders of photos, or a video; drop them here"));
}

void BatchInputList::AddPaths(const QStringList& paths) {
  const QStringList listed = this->paths();
  for (const QString& path : paths) {
    if (!path.isEmpty() && !listed.contains(path)) addItem(path);
  }
}

QStringList BatchInputList::paths() const {
  QStringList paths;
  for (int i = 0; i < count(); ++i) paths << item(i)->text();
  return paths;
}

void BatchInputList::dragEnterEvent(QDragEnterEvent* event) {
  if (!LocalPaths(event->mimeData()).isEmpty()) {
    event->acceptProposedAction();
  } else {
    event->ignore();
  }
}

void BatchInputList::dragMoveEvent(QDragMoveEvent* event) {
  if (!LocalPaths(event->mimeData()).isEmpty()) {
    event->acceptProposedAction();
  } else {
    event->ignore();
  }
}

void BatchInputList::dropEvent(QDropEvent* event) {
  const QStringList paths = LocalPaths(event->mimeData());
  if (paths.isEmpty()) return event->ignore();
  AddPaths(paths);
  event->acceptProposedAction();
}

// ---------------------------------------------------------------- dialog

BatchDialog::BatchDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Batch - Parallax Studio"));
  setModal(false);

  // Inputs.
  inputs_ = new BatchInputList;
  auto* add_files = new QPushButton(tr("Add files..."));
  auto* add_folder = new QPushButton(tr("Add folder..."));
  auto* remove = new QPushButton(tr("Remove"));
  auto* input_buttons = new QHBoxLayout;
  input_buttons->addWidget(add_files);
  input_buttons->addWidget(add_folder);
  input_buttons->addWidget(remove);
  input_buttons->addStretch(1);
  auto* input_box = new QGroupBox(tr("Inputs: photos, folders or a video"));
  auto* input_layout = new QVBoxLayout(input_box);
  input_layout->addWidget(inputs_, 1);
  input_layout->addLayout(input_buttons);

  // Output.
  output_ = new QLineEdit;
  output_->setPlaceholderText(tr("A folder, or one file for one input"));
  auto* output_folder = new QPushButton(tr("Folder..."));
  auto* output_file = new QPushButton(tr("File..."));
  auto* output_row = new QHBoxLayout;
  output_row->addWidget(output_, 1);
  output_row->addWidget(output_folder);
  output_row->addWidget(output_file);

  // The job and its settings (the command-line defaults).
  kind_ = new QComboBox;
  kind_->addItem(tr("Depth maps"), static_cast<int>(BatchKind::kDepth));
  kind_->addItem(tr("3D (2D to stereo)"), static_cast<int>(BatchKind::kStereo));
  kind_->addItem(tr("Refocus (defocus)"),
                 static_cast<int>(BatchKind::kDefocus));
  kind_->addItem(tr("Fog"), static_cast<int>(BatchKind::kFog));

  settings_ = new QStackedWidget;
  {
    QList<QPair<QString, QString>> formats = {{tr("PNG (16-bit)"), "png"},
                                              {tr("PFM (float)"), "pfm"}};
    if (ExrSupported()) formats.append({tr("OpenEXR (float)"), "exr"});
    formats.append({tr("NumPy (float)"), "npy"});
    depth_format_ = MakeCombo(formats);
    colormap_ = MakeCombo({{tr("None (data)"), "none"},
                           {tr("Turbo"), "turbo"},
                           {tr("Inferno"), "inferno"},
                           {tr("Gray"), "gray"}});
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    form->addRow(tr("Format:"), depth_format_);
    form->addRow(tr("Colour map:"), colormap_);
    settings_->addWidget(page);
  }
  {
    layout_ = MakeCombo({{tr("Half side by side (hsbs)"), "hsbs"},
                         {tr("Side by side (sbs)"), "sbs"},
                         {tr("Top and bottom (tb)"), "tb"},
                         {tr("Half top and bottom (htb)"), "htb"},
                         {tr("Anaglyph (red-cyan)"), "anaglyph"},
                         {tr("Cross-eyed"), "cross"}});
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    form->addRow(tr("Layout:"), layout_);
    settings_->addWidget(page);
  }
  {
    defocus_method_ = MakeCombo({{tr("Lens"), "lens"},
                                 {tr("Gaussian"), "gaussian"},
                                 {tr("Average"), "average"},
                                 {tr("Median"), "median"},
                                 {tr("Bilateral"), "bilateral"}});
    max_blur_ = new QDoubleSpinBox;
    max_blur_->setRange(0, 200);
    max_blur_->setDecimals(1);
    max_blur_->setSuffix(tr(" px"));
    max_blur_->setValue(BatchRequest{}.max_blur);
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    form->addRow(tr("Method:"), defocus_method_);
    form->addRow(tr("Blur strength:"), max_blur_);
    form->addRow(tr("Focus:"), new QLabel(tr("the image centre")));
    settings_->addWidget(page);
  }
  {
    fog_density_ = new QDoubleSpinBox;
    fog_density_->setRange(0, 100);
    fog_density_->setDecimals(3);
    fog_density_->setSingleStep(0.05);
    fog_density_->setValue(BatchRequest{}.fog_density);
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    form->addRow(tr("Density:"), fog_density_);
    settings_->addWidget(page);
  }

  model_ = new QLineEdit;
  model_->setPlaceholderText(tr("Default model"));
  device_ = MakeCombo({{tr("Auto (GPU when available)"), "auto"},
                       {tr("CPU"), "cpu"},
                       {tr("CUDA"), "cuda"}});
  existing_ = new QComboBox;
  existing_->addItem(tr("Stop before any work"),
                     static_cast<int>(ExistingOutputs::kRefuse));
  existing_->addItem(tr("Overwrite them"),
                     static_cast<int>(ExistingOutputs::kOverwrite));
  existing_->addItem(tr("Keep them and resume"),
                     static_cast<int>(ExistingOutputs::kResume));

  auto* form = new QFormLayout;
  form->addRow(tr("Output:"), output_row);
  form->addRow(tr("Job:"), kind_);
  form->addRow(QString(), settings_);
  form->addRow(tr("Model:"), model_);
  form->addRow(tr("Device:"), device_);
  form->addRow(tr("Existing outputs:"), existing_);

  // Progress and results.
  progress_ = new QProgressBar;
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_label_ = new QLabel;
  results_ = new QListWidget;
  results_->setToolTip(tr("Written, skipped and failed files"));
  status_ = new QLabel;
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  start_ = new QPushButton(tr("Start"));
  start_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"));
  close_ = new QPushButton(tr("Close"));
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(start_);
  buttons->addWidget(cancel_);
  buttons->addWidget(close_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(input_box, 1);
  layout->addLayout(form);
  layout->addWidget(progress_label_);
  layout->addWidget(progress_);
  layout->addWidget(results_, 1);
  layout->addWidget(status_);
  layout->addLayout(buttons);

  form_ = {inputs_,     add_files, add_folder, remove, output_, output_folder,
           output_file, kind_,     settings_,  model_, device_, existing_};

  connect(add_files, &QPushButton::clicked, this, &BatchDialog::AddFilesDialog);
  connect(add_folder, &QPushButton::clicked, this,
          &BatchDialog::AddFolderDialog);
  connect(remove, &QPushButton::clicked, this, &BatchDialog::RemoveSelected);
  connect(output_folder, &QPushButton::clicked, this,
          &BatchDialog::BrowseOutputFolder);
  connect(output_file, &QPushButton::clicked, this,
          &BatchDialog::BrowseOutputFile);
  connect(kind_, &QComboBox::currentIndexChanged, this,
          [this](int index) { settings_->setCurrentIndex(index); });
  connect(start_, &QPushButton::clicked, this, &BatchDialog::Start);
  connect(cancel_, &QPushButton::clicked, this, &BatchDialog::Cancel);
  // Closing hides the dialog; a running batch goes on.
  connect(close_, &QPushButton::clicked, this, &QDialog::reject);
  SetRunning(false);
  resize(640, 720);
}

BatchDialog::~BatchDialog() {
  if (cancel_flag_) cancel_flag_->store(true);
  JoinThread();
}

void BatchDialog::JoinThread() {
  if (thread_.joinable()) thread_.join();
}

// ------------------------------------------------------------------ form

void BatchDialog::AddInputs(const QStringList& paths) {
  inputs_->AddPaths(paths);
}

void BatchDialog::SetOutput(const QString& path) { output_->setText(path); }

void BatchDialog::SetKind(BatchKind kind) {
  kind_->setCurrentIndex(kind_->findData(static_cast<int>(kind)));
}

void BatchDialog::SetModel(const QString& model) { model_->setText(model); }

void BatchDialog::SetDevice(const QString& device) {
  if (device.isEmpty()) return;
  if (device_->findData(device) < 0) device_->addItem(device, device);
  device_->setCurrentIndex(device_->findData(device));
}

void BatchDialog::SetExisting(ExistingOutputs existing) {
  existing_->setCurrentIndex(existing_->findData(static_cast<int>(existing)));
}

BatchRequest BatchDialog::request() const {
  BatchRequest request;
  request.kind = static_cast<BatchKind>(kind_->currentData().toInt());
  for (const QString& path : inputs_->paths()) {
    request.inputs.push_back(path.toStdString());
  }
  request.output = output_->text().trimmed().toStdString();
  request.model = model_->text().trimmed().toStdString();
  request.device = Data(device_).toStdString();
  request.existing =
      static_cast<ExistingOutputs>(existing_->currentData().toInt());
  request.depth_format = Data(depth_format_).toStdString();
  request.colormap = Data(colormap_).toStdString();
  request.layout = Data(layout_).toStdString();
  request.defocus_method = Data(defocus_method_).toStdString();
  request.max_blur = max_blur_->value();
  request.fog_density = fog_density_->value();
  request.step_delay_for_testing = step_delay_;
  return request;
}

void BatchDialog::AddFilesDialog() {
  AddInputs(QFileDialog::getOpenFileNames(
      this, tr("Add files"), QString(),
      tr("Photos and videos (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff "
         "*.mpo *.mp4 *.mkv *.mov *.avi *.webm);;All files (*)")));
}

void BatchDialog::AddFolderDialog() {
  const QString folder =
      QFileDialog::getExistingDirectory(this, tr("Add a folder of photos"));
  if (!folder.isEmpty()) AddInputs({folder});
}

void BatchDialog::RemoveSelected() { qDeleteAll(inputs_->selectedItems()); }

void BatchDialog::BrowseOutputFolder() {
  const QString folder = QFileDialog::getExistingDirectory(
      this, tr("Output folder"), output_->text());
  if (!folder.isEmpty()) SetOutput(folder);
}

void BatchDialog::BrowseOutputFile() {
  const QString file = QFileDialog::getSaveFileName(
      this, tr("Output file (one input)"), output_->text());
  if (!file.isEmpty()) SetOutput(file);
}

// ------------------------------------------------------------- running

void BatchDialog::SetRunning(bool running) {
  for (QWidget* widget : form_) widget->setEnabled(!running);
  start_->setEnabled(!running);
  cancel_->setEnabled(running);
}

void BatchDialog::AddLine(Line kind, const QString& text) {
  auto* item = new QListWidgetItem(text);
  item->setData(kLineRole, static_cast<int>(kind));
  switch (kind) {
    case Line::kWritten:
      item->setToolTip(tr("Written"));
      break;
    case Line::kSkipped:
      item->setForeground(QColor(140, 110, 0));
      item->setToolTip(tr("Skipped"));
      break;
    case Line::kFailed:
      item->setForeground(QColor(170, 30, 30));
      item->setToolTip(tr("Failed"));
      break;
    case Line::kInfo:
      break;
  }
  results_->addItem(item);
  results_->scrollToBottom();
}

QStringList BatchDialog::lines(Line kind) const {
  QStringList out;
  for (int i = 0; i < results_->count(); ++i) {
    const QListWidgetItem* item = results_->item(i);
    if (item->data(kLineRole).toInt() == static_cast<int>(kind)) {
      out << item->text();
    }
  }
  return out;
}

QString BatchDialog::status_text() const { return status_->text(); }

void BatchDialog::Start() {
  if (running()) return;
  const BatchRequest request = this->request();
  if (request.inputs.empty()) {
    status_->setText(tr("Add photos, folders or a video first."));
    return;
  }
  if (request.output.empty()) {
    status_->setText(tr("Choose an output folder (or a file for one input)."));
    return;
  }
  // The previous batch's thread has delivered its end: it is exiting.
  JoinThread();
  results_->clear();
  failures_shown_.clear();
  progress_->setRange(0, 0);
  progress_label_->setText(tr("Starting"));
  status_->setText(tr("Running %1 over %n input(s)...", nullptr,
                      static_cast<int>(request.inputs.size()))
                       .arg(QString::fromLatin1(BatchKindName(request.kind))));
  const uint64_t job = next_job_++;
  job_ = job;
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  SetRunning(true);
  thread_ = std::thread([this, job, request, cancel = cancel_flag_] {
    // Runs `deliver` on the GUI thread while the batch is current.
    const auto post = [this, job](auto deliver) {
      QMetaObject::invokeMethod(
          this,
          [this, job, deliver] {
            if (job_ == job) deliver();
          },
          Qt::QueuedConnection);
    };
    JobControl control;
    control.progress = [this, post](const JobProgress& report) {
      post([this, report] { OnProgress(report); });
      return true;
    };
    control.cancel_requested = [cancel] { return cancel->load(); };
    control.skipped = [this, post](const std::filesystem::path& input,
                                   const std::string& why) {
      post([this, text = QString::fromStdString(input.string() + ": " + why)] {
        AddLine(Line::kSkipped, text);
      });
    };
    control.failed = [this, post](const std::string& message) {
      post([this, text = QString::fromStdString(message)] {
        failures_shown_ << text;
        AddLine(Line::kFailed, text);
      });
    };
    control.written = [this, post](const std::filesystem::path& output) {
      post([this, text = QString::fromStdString(output.string())] {
        AddLine(Line::kWritten, text);
      });
    };
    const BatchResult result = RunBatch(request, control);
    post([this, result] { OnEnded(result); });
  });
}

void BatchDialog::Cancel() {
  if (!running()) return;
  cancel_flag_->store(true);
  cancel_->setEnabled(false);
  status_->setText(tr("Cancelling..."));
}

void BatchDialog::OnProgress(const JobProgress& report) {
  const QString label = QString::fromStdString(
      report.label.empty() ? report.file.filename().string() : report.label);
  if (report.total > 0) {
    // QProgressBar holds ints: frames of long videos are scaled.
    const double scale = report.total > 1000000
                             ? 1000000.0 / static_cast<double>(report.total)
                             : 1.0;
    progress_->setRange(0, static_cast<int>(report.total * scale));
    progress_->setValue(static_cast<int>(report.done * scale));
    progress_label_->setText(
        tr("%1: %2 of %3").arg(label).arg(report.done).arg(report.total));
  } else {
    progress_->setRange(0, 0);
    progress_label_->setText(tr("%1: %2").arg(label).arg(report.done));
  }
}

void BatchDialog::OnEnded(const BatchResult& result) {
  job_ = 0;
  for (const std::string& failure : result.failures) {
    const QString text = QString::fromStdString(failure);
    if (!failures_shown_.contains(text)) {
      failures_shown_ << text;
      AddLine(Line::kFailed, text);
    }
  }
  progress_->setRange(0, 1);
  const int written = lines(Line::kWritten).size();
  const int skipped = lines(Line::kSkipped).size();
  const int failed = lines(Line::kFailed).size();
  switch (result.status) {
    case BatchResult::Status::kFinished:
      progress_->setValue(1);
      progress_label_->setText(tr("Done"));
      status_->setText(tr("Finished in %1 s: %2 written, %3 skipped, %4 "
                          "failed.")
                           .arg(result.seconds, 0, 'f', 1)
                           .arg(written)
                           .arg(skipped)
                           .arg(failed));
      break;
    case BatchResult::Status::kCancelled:
      progress_->setValue(0);
      progress_label_->setText(tr("Cancelled"));
      status_->setText(tr("cancelled: finished files are kept"));
      break;
    case BatchResult::Status::kFailed: {
      progress_->setValue(0);
      progress_label_->setText(tr("Stopped"));
      status_->setText(
          tr("error: %1").arg(QString::fromStdString(result.error)));
      break;
    }
  }
  SetRunning(false);
  Q_EMIT batchEnded();
}

}  // namespace parallax::studio
