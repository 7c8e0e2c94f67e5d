// Depth estimation off the GUI thread, cancellable.
//
// One job at a time runs on a std::thread: resolve and load the model
// (kept for the next job while the model and device stay the same), run the
// network, upsample to the photo. Between steps the job checks its cancel
// flag; Cancel() sets it and forgets the job at once, so the window is
// usable immediately and a result that arrives late is dropped. Results are
// delivered on the GUI thread through queued calls.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <QMetaType>
#include <QObject>
#include <QString>
#include <opencv2/core.hpp>

// Queued signals and QSignalSpy carry cv::Mat by value (shared data).
Q_DECLARE_METATYPE(cv::Mat)

namespace parallax {
class Predictor;
}

namespace parallax::studio {

struct DepthRequest {
  cv::Mat image;      // 8-bit BGR
  std::string model;  // empty = the shipped default; a path or a name
  std::string device = "cpu";
};

class DepthWorker : public QObject {
  Q_OBJECT

 public:
  explicit DepthWorker(QObject* parent = nullptr);
  // Cancels the job and waits for its thread.
  ~DepthWorker() override;

  // Starts a job (a running one is cancelled first).
  void Start(const DepthRequest& request);
  // Stops the current job: `cancelled` is emitted now; the thread ends at
  // its next check.
  void Cancel();
  // True while a job is current (started, not finished or cancelled).
  bool busy() const { return current_ != 0; }
  // True while a thread still runs, even one already cancelled.
  bool thread_running() const { return thread_running_->load() > 0; }
  // Waits up to `ms` for the thread to end; true when it has.
  bool WaitForThread(int ms);

  // Tests: each step also waits this long (checking the cancel flag every
  // 10 ms), to make jobs long enough to cancel.
  void SetStepDelayForTesting(std::chrono::milliseconds delay) {
    step_delay_ = delay;
  }

 Q_SIGNALS:
  void progress(int percent, const QString& step);
  void finished(const cv::Mat& disparity, const QString& model_description,
                double seconds);
  void failed(const QString& message);
  void cancelled();

 private:
  struct ModelCache;
  void Run(uint64_t job, DepthRequest request,
           std::shared_ptr<std::atomic<bool>> cancel);
  void JoinThread();
  void ThreadEnds();

  std::thread thread_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  // Worker threads started and not yet at their end: a new job's thread
  // may be waiting for a cancelled one's.
  std::shared_ptr<std::atomic<int>> thread_running_;
  uint64_t next_job_ = 1;
  uint64_t current_ = 0;  // 0 = none; read and written on the GUI thread
  std::shared_ptr<ModelCache> cache_;
  std::chrono::milliseconds step_delay_{0};
};

}  // namespace parallax::studio
