#include "parallax/app/studio/depth_worker.h"

#include <QMetaObject>
#include <QThread>

#include "parallax/infer/default_model.h"
#include "parallax/infer/edge_aware_upsample.h"
#include "parallax/infer/predictor.h"
#include "parallax/util/check.h"

namespace parallax::studio {

// The loaded model, reused while the model and device stay the same
// (loading the default model is most of a small photo's time). Only the
// worker thread touches it, and only one worker thread runs at a time.
struct DepthWorker::ModelCache {
  std::string key;
  std::string description;
  std::unique_ptr<Predictor> predictor;
};

DepthWorker::DepthWorker(QObject* parent)
    : QObject(parent),
      thread_running_(std::make_shared<std::atomic<int>>(0)),
      cache_(std::make_shared<ModelCache>()) {}

DepthWorker::~DepthWorker() {
  if (cancel_) cancel_->store(true);
  JoinThread();
}

void DepthWorker::JoinThread() {
  if (thread_.joinable()) thread_.join();
}

bool DepthWorker::WaitForThread(int ms) {
  const auto end =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (thread_running_->load() > 0) {
    if (std::chrono::steady_clock::now() > end) return false;
    QThread::msleep(5);
  }
  JoinThread();
  return true;
}

void DepthWorker::Start(const DepthRequest& request) {
  if (busy()) Cancel();
  const uint64_t job = next_job_++;
  current_ = job;
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  thread_running_->fetch_add(1);
  // A cancelled job ends at its next check, which inside one network pass
  // can take seconds. The new job's thread waits for it, never the GUI
  // thread; and the model cache is still used by one thread at a time.
  std::thread previous = std::move(thread_);
  thread_ = std::thread([this, job, request, cancel = cancel_,
                         previous = std::move(previous)]() mutable {
    if (previous.joinable()) previous.join();
    Run(job, std::move(request), cancel);
  });
}

void DepthWorker::ThreadEnds() { thread_running_->fetch_sub(1); }

void DepthWorker::Cancel() {
  if (!busy()) return;
  cancel_->store(true);
  current_ = 0;
  Q_EMIT cancelled();
}

void DepthWorker::Run(uint64_t job, DepthRequest request,
                      std::shared_ptr<std::atomic<bool>> cancel) {
  const auto start = std::chrono::steady_clock::now();
  // Runs `deliver` on the GUI thread if the job is still current then.
  const auto post = [this, job](auto deliver) {
    QMetaObject::invokeMethod(
        this,
        [this, job, deliver]() {
          if (current_ != job) return;  // cancelled or replaced: dropped
          deliver();
        },
        Qt::QueuedConnection);
  };
  const auto report = [&](int percent, const char* step) {
    post([this, percent, text = QString::fromUtf8(step)] {
      Q_EMIT progress(percent, text);
    });
  };
  // The cancel check between steps, and the test delay.
  const auto step_done = [&]() {
    for (auto waited = std::chrono::milliseconds(0); waited < step_delay_;
         waited += std::chrono::milliseconds(10)) {
      if (cancel->load()) return false;
      QThread::msleep(10);
    }
    return !cancel->load();
  };
  try {
    report(5, "Loading the model");
    const std::string key = request.model + "|" + request.device;
    if (cache_->key != key || !cache_->predictor) {
      cache_->predictor.reset();
      const auto path = ResolveModelPath(request.model);
      PredictorOptions options;
      options.device = request.device;
      cache_->predictor = std::make_unique<Predictor>(path, options);
      cache_->description = cache_->predictor->Describe(path.string());
      cache_->key = key;
    }
    if (!step_done()) return ThreadEnds();
    report(30, "Estimating depth");
    Predictor& predictor = *cache_->predictor;
    DepthPrediction prediction = predictor.Predict({request.image, {}, {}});
    if (!step_done()) return ThreadEnds();
    report(80, "Upsampling to the photo");
    // As EstimateDisparity, split so that a cancel is seen between the two.
    UpsampleOptions upsample;  // guided, as the CLI's default
    upsample.align_corners = predictor.model_info().align_corners;
    cv::Mat disparity =
        UpsampleDisparity(prediction.disparity, request.image, upsample);
    if (!step_done()) return ThreadEnds();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    post([this, disparity, seconds,
          description = QString::fromStdString(cache_->description)] {
      current_ = 0;
      Q_EMIT finished(disparity, description, seconds);
    });
  } catch (const std::exception& e) {
    // A model that failed to load must not be reused half-made.
    cache_->predictor.reset();
    cache_->key.clear();
    post([this, message = QString::fromUtf8(e.what())] {
      current_ = 0;
      Q_EMIT failed(message);
    });
  }
  ThreadEnds();
}

}  // namespace parallax::studio
