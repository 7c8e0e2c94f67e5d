#include "parallax/train/trainer.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "parallax/data/batch_loader.h"
#include "parallax/model/checkpoint.h"
#include "parallax/model/checkpoint_file.h"
#include "parallax/model/depth_anything_file.h"
#include "parallax/train/distributed.h"
#include "parallax/train/optimizer_state.h"
#include "parallax/train/teacher_targets.h"
#include "parallax/train/tensor_conversion.h"
#include "parallax/train/validation.h"
#include "parallax/train/weight_average.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"

namespace parallax {
namespace fs = std::filesystem;

fs::path CheckpointPath(const fs::path& out) { return out / "checkpoint.plx"; }
fs::path ModelPath(const fs::path& out) { return out / "model.plx"; }
fs::path LogPath(const fs::path& out) { return out / "train_log.jsonl"; }
fs::path SnapshotPath(const fs::path& out, int64_t step) {
  return out / "snapshots" / fmt::format("step_{:07d}.plx", step);
}

namespace {

std::vector<StereoDataset> ScanAll(const TrainOptions& options,
                                   size_t* total_pairs) {
  ScanOptions scan;
  scan.packed = options.packed;
  std::vector<StereoDataset> datasets;
  *total_pairs = 0;
  for (const DatasetSpec& spec : options.data) {
    StereoDataset dataset = ScanStereoDataset(spec.path, scan);
    dataset.weight = spec.weight;
    if (const size_t dropped = ExcludePairs(dataset, options.exclude)) {
      spdlog::info("data: {} pairs of {} excluded", dropped,
                   spec.path.string());
      if (dataset.pairs.empty()) {
        ThrowError("--exclude leaves no pairs in '{}'", spec.path.string());
      }
    }
    spdlog::info("data: {} pairs in {} (weight {})", dataset.pairs.size(),
                 spec.path.string(), spec.weight);
    *total_pairs += dataset.pairs.size();
    datasets.push_back(std::move(dataset));
  }
  return datasets;
}

// Keeps the log consistent with the checkpoint: lines for steps after the
// resumed step (written before a crash) are dropped.
void TruncateLogAfter(const fs::path& log, int64_t step) {
  if (!fs::exists(log)) return;
  std::ifstream in(log);
  std::string kept, line;
  while (std::getline(in, line)) {
    try {
      if (nlohmann::json::parse(line).value("step", int64_t{0}) > step) break;
    } catch (const nlohmann::json::exception&) {
      break;  // a torn last line
    }
    kept += line + "\n";
  }
  WriteFileAtomic(log, kept);
}

class RunLog {
 public:
  explicit RunLog(const fs::path& path) : stream_(path, std::ios::app) {
    if (!stream_) ThrowError("cannot write '{}'", path.string());
  }
  void Write(const nlohmann::json& entry) {
    stream_ << entry.dump() << '\n';
    stream_.flush();
    if (!stream_) ThrowError("cannot write the training log (disk full?)");
  }

 private:
  std::ofstream stream_;
};

std::string LossSummary(const std::map<std::string, double>& terms) {
  std::string text;
  for (const auto& [name, value] : terms) {
    if (name.find('/') == std::string::npos) {
      text += fmt::format(" {}={:.4g}", name, value);
    }
  }
  return text;
}

class TrainingRun {
 public:
  TrainingRun(const TrainOptions& options, bool resume,
              const TrainCallbacks& callbacks)
      : options_(options), callbacks_(callbacks) {
    options_.Check();
    if (options_.distributed.enabled()) {
      group_ = std::make_unique<ProcessGroup>(options_.distributed);
      spdlog::info("rank {} of {} joined {}:{}", group_->rank(),
                   group_->world_size(), options_.distributed.master_addr,
                   options_.distributed.master_port);
    }
    writer_ = !group_ || group_->rank() == 0;
    if (writer_) fs::create_directories(options_.out);
    if (!resume && writer_ && fs::exists(CheckpointPath(options_.out))) {
      ThrowError(
          "'{}' already holds a training run; pass --resume to "
          "continue it, or choose another --out",
          options_.out.string());
    }
    // LibTorch here starts with one intra-op thread unless OMP_NUM_THREADS
    // says otherwise; training wants every core.
    torch::set_num_threads(options_.threads > 0
                               ? options_.threads
                               : static_cast<int>(std::max(
                                     1u, std::thread::hardware_concurrency())));
    device_ = ResolveDevice(options_.device);
    // Tiny activations and gradients turn into denormal floats, which x86
    // CPUs process many times slower; flushing them to zero changes nothing
    // a network can notice.
    if (device_.is_cpu()) at::globalContext().setFlushDenormal(true);
    if (group_ && device_.is_cuda() && torch::cuda::device_count() > 1) {
      device_ = torch::Device(torch::kCUDA,
                              group_->rank() % torch::cuda::device_count());
    }
    size_t total_pairs = 0;
    datasets_ = ScanAll(options_, &total_pairs);
    if (!options_.teacher.empty()) AttachTeacher(&total_pairs);
    total_steps_ = options_.TotalSteps(total_pairs);
    if (!options_.validation.empty() && writer_) {
      ScanOptions scan;
      scan.packed = options_.packed;
      validator_.emplace(ScanStereoDataset(options_.validation, scan),
                         options_.model, options_.flow);
      spdlog::info("validation: {} pairs in {}", validator_->size(),
                   options_.validation.string());
    }
    BuildModel(resume);
  }

  TrainResult Run() {
    TrainResult result;
    result.first_step = step_;
    result.total_steps = total_steps_;
    BatchLoaderOptions loader_options;
    loader_options.batch_size = options_.batch_size;
    loader_options.size = {options_.model.train_width,
                           options_.model.train_height};
    loader_options.input_channels = options_.model.input_channels;
    loader_options.flow_method = options_.flow;
    loader_options.augment = options_.augment;
    loader_options.stereo_hints = options_.stereo_hints;
    // Each rank draws its own sample stream; rank 0 keeps the plain seed.
    loader_options.seed =
        group_ && group_->rank() > 0
            ? MixSeed(options_.seed, 0xD15EA5Eull + group_->rank())
            : options_.seed;
    loader_options.num_workers = options_.loader_workers;
    BatchLoader loader(datasets_, loader_options, step_);
    std::optional<RunLog> log;
    if (writer_) log.emplace(LogPath(options_.out));
    const bool show_progress = callbacks_.show_progress && writer_;
    const int world = group_ ? group_->world_size() : 1;
    ProgressBar progress("train", total_steps_, "img/s");
    progress.set_start(step_);
    const auto start = std::chrono::steady_clock::now();
    const int64_t validate_every = options_.validate_every > 0
                                       ? options_.validate_every
                                       : options_.checkpoint_every;
    while (step_ < total_steps_) {
      const Batch batch = loader.Next();
      const double lr = LearningRateAt(options_, step_, total_steps_);
      for (auto& group : optimizer_->param_groups()) {
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
      }
      const std::map<std::string, double> terms = Step(batch);
      ++step_;
      const double elapsed = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
      const double images_per_second = (step_ - result.first_step) *
                                       options_.batch_size * world /
                                       std::max(elapsed, 1e-9);
      if (log) {
        log->Write({{"step", step_},
                    {"lr", lr},
                    {"images_per_s", images_per_second},
                    {"time_s", elapsed},
                    {"loss", terms}});
      }
      result.last_loss = terms;
      if (show_progress) {
        progress.Update(step_, fmt::format("loss {:.4f}", terms.at("total")),
                        options_.batch_size * world);
      }
      bool keep_going = true;
      if (callbacks_.on_step) {
        keep_going = callbacks_.on_step(
            {step_, total_steps_, lr, images_per_second, terms});
      }
      keep_going = keep_going && !InterruptRequested();
      if (group_) keep_going = !group_->AnyRank(!keep_going);
      if (validator_ && log && step_ % validate_every == 0) {
        log->Write({{"step", step_}, {"validation", Validate()}});
      }
      if (!keep_going) {
        SaveCheckpoint();
        if (show_progress) progress.Finish("interrupted");
        spdlog::info(
            "stopped at step {}; checkpoint saved to {}; continue "
            "with: parallax train --out {} --resume",
            step_, CheckpointPath(options_.out).string(),
            options_.out.string());
        result.interrupted = true;
        result.last_step = step_;
        result.parameter_sum = ParameterSum();
        return result;
      }
      if (step_ % options_.checkpoint_every == 0 && step_ < total_steps_) {
        SaveCheckpoint();
        SaveSnapshot();
      }
    }
    if (show_progress) progress.Finish();
    SaveCheckpoint();
    SaveSnapshot();
    if (writer_) {
      SaveModelOptions model_options;
      model_options.fp16 = options_.fp16_model;
      model_options.metadata = Metadata();
      SaveModel(ModelPath(options_.out), SavedNet(), model_options);
    }
    if (validator_ && log && step_ % validate_every != 0) {
      log->Write({{"step", step_}, {"validation", Validate()}});
    }
    if (writer_) {
      spdlog::info("trained {} steps; model saved to {}", step_,
                   ModelPath(options_.out).string());
    }
    result.last_step = step_;
    result.parameter_sum = ParameterSum();
    return result;
  }

 private:
  void BuildModel(bool resume) {
    torch::manual_seed(options_.seed);
    if (resume) {
      LoadedModel loaded = LoadModel(CheckpointPath(options_.out), device_);
      if (loaded.optimizer_state.empty() || loaded.trainer_state.empty()) {
        ThrowError("'{}' holds weights only, not a training state to resume",
                   CheckpointPath(options_.out).string());
      }
      net_ = loaded.net;
      net_->SetChannelsLast(device_.is_cpu());
      net_->train();
      MakeOptimizer();
      DeserializeOptimizer(*optimizer_, loaded.optimizer_state, device_);
      step_ = nlohmann::json::parse(loaded.trainer_state).at("step");
      StartAverage(&loaded.averaged_state);
      if (writer_) TruncateLogAfter(LogPath(options_.out), step_);
      spdlog::info("resuming {} at step {} of {}",
                   CheckpointPath(options_.out).string(), step_, total_steps_);
      return;
    }
    net_ = DepthNet(options_.model);
    net_->to(device_);
    if (!options_.init.empty()) InitializeFrom(options_.init);
    net_->SetChannelsLast(device_.is_cpu());
    net_->train();
    // Same seed, same initial weights; the broadcast makes sure of it.
    if (group_) group_->Broadcast(net_->parameters());
    StartAverage(nullptr);
    MakeOptimizer();
    if (writer_) fs::remove(LogPath(options_.out));
    spdlog::info(
        "model: {} {} head, {} disparity (max {} of width), {} "
        "input channels, width x{}, {:.1f} M parameters; {} steps "
        "of batch {} at {}x{} on {}",
        ToString(options_.model.architecture), ToString(options_.model.head),
        ToString(options_.model.disparity_mode), options_.model.max_disparity,
        options_.model.input_channels, options_.model.width,
        net_->NumParameters() / 1e6, total_steps_, options_.batch_size,
        options_.model.train_width, options_.model.train_height, device_.str());
  }

  // Distillation: mono datasets from --images, then the teacher's maps as
  // every pair's target (computed once, cached in the run folder).
  void AttachTeacher(size_t* total_pairs) {
    for (const DatasetSpec& spec : options_.images) {
      StereoDataset dataset =
          ScanMonoDataset(spec.path, options_.out, options_.frame_step);
      dataset.weight = spec.weight;
      spdlog::info("data: {} images from {} (weight {})", dataset.pairs.size(),
                   spec.path.string(), spec.weight);
      *total_pairs += dataset.pairs.size();
      datasets_.push_back(std::move(dataset));
    }
    TeacherOptions teacher;
    teacher.teacher = options_.teacher;
    teacher.cache = options_.out;
    teacher.device = options_.device;
    teacher.net_short_side = options_.teacher_net_short_side;
    std::unique_ptr<ProgressBar> bar;
    teacher.progress = [&](int64_t done, int64_t total) {
      if (InterruptRequested()) return false;
      if (callbacks_.show_progress && writer_) {
        if (!bar)
          bar = std::make_unique<ProgressBar>("teacher", total, "maps/s");
        bar->Update(done);
      }
      return true;
    };
    const int64_t computed = AttachTeacherTargets(datasets_, teacher);
    if (bar) bar->Finish();
    spdlog::info("teacher {}: {} maps computed, the rest from the cache",
                 options_.teacher.string(), computed);
  }

  // With --ema: the moving average, from the current weights or from a
  // resumed checkpoint's `saved` state. Every rank holds the same weights,
  // so only rank 0, which saves, keeps the average.
  void StartAverage(const std::string* saved) {
    if (options_.ema_decay <= 0 || !writer_) return;
    if (saved && saved->empty()) {
      ThrowError("'{}' has no averaged weights although the run uses --ema",
                 CheckpointPath(options_.out).string());
    }
    average_.emplace(net_, options_.ema_decay);
    if (saved) average_->Deserialize(*saved);
  }

  // Fine-tuning: the weights of an earlier model of the same architecture
  // (any precision), a fresh optimizer and step count.
  void InitializeFrom(const fs::path& path) {
    if (IsTorchCheckpoint(path)) {
      if (options_.model.architecture != Architecture::kDepthAnythingV2) {
        ThrowError(
            "--init {}: a PyTorch checkpoint initialises a Depth "
            "Anything network (--arch depth-anything-v2) only",
            path.string());
      }
      const StateDict weights = ReadTorchStateDict(path);
      LoadDepthAnythingWeights(net_->transformer(), weights, path.string());
      net_->to(device_);
      spdlog::info("initialised the transformer from {}", path.string());
      return;
    }
    const LoadedModel loaded = LoadModel(path, device_);
    const auto source = loaded.net->named_parameters(/*recurse=*/true);
    const auto source_buffers = loaded.net->named_buffers(/*recurse=*/true);
    torch::NoGradGuard no_grad;
    const auto copy =
        [&](const torch::OrderedDict<std::string, torch::Tensor>& from,
            torch::OrderedDict<std::string, torch::Tensor> to) {
          for (auto& item : to) {
            const torch::Tensor* value = from.find(item.key());
            if (!value || value->sizes() != item.value().sizes()) {
              ThrowError(
                  "--init {}: its network differs from this run's at '{}' "
                  "(give the same --arch, --width-mult, --head and channels)",
                  path.string(), item.key());
            }
            item.value().copy_(*value);
          }
        };
    copy(source, net_->named_parameters(/*recurse=*/true));
    copy(source_buffers, net_->named_buffers(/*recurse=*/true));
    spdlog::info("initialised from {}", path.string());
  }

  void MakeOptimizer() {
    optimizer_ = std::make_unique<torch::optim::Adam>(
        net_->parameters(), torch::optim::AdamOptions(options_.learning_rate)
                                .betas({0.9, 0.999})
                                .eps(1e-8));
  }

  std::map<std::string, double> Step(const Batch& batch) {
    const int64_t b = batch.batch_size, h = batch.height, w = batch.width;
    const torch::Tensor input =
        PlanarToTensor(batch.input, {b, batch.input_channels, h, w}, device_);
    const torch::Tensor left =
        PlanarToTensor(batch.left, {b, 3, h, w}, device_);
    const torch::Tensor right =
        PlanarToTensor(batch.right, {b, 3, h, w}, device_);
    torch::Tensor gt;
    if (!batch.gt_disparity.empty()) {
      gt = PlanarToTensor(batch.gt_disparity, {b, 1, h, w}, device_);
    }
    const DisparityPyramid prediction = net_->forward(input);
    StereoLoss loss = ComputeStereoLoss(prediction, left, right, gt,
                                        net_->planes(), options_.loss);
    const bool loss_finite = std::isfinite(loss.terms.at("total"));
    if (!loss_finite && !group_) ThrowOnNonFinite(loss.terms, NAN);
    optimizer_->zero_grad();
    loss.total.backward();
    // With several ranks a NaN on one reaches all through the averaged
    // gradients, so every rank stops at the same step.
    if (group_) group_->AverageGradients(net_->parameters());
    const double grad_norm = torch::nn::utils::clip_grad_norm_(
        net_->parameters(), std::numeric_limits<double>::infinity());
    if (!loss_finite || !std::isfinite(grad_norm)) {
      ThrowOnNonFinite(loss.terms, grad_norm);
    }
    optimizer_->step();
    if (average_) average_->Update(net_);
    loss.terms["grad_norm"] = grad_norm;
    return loss.terms;
  }

  [[noreturn]] void ThrowOnNonFinite(const std::map<std::string, double>& terms,
                                     double grad_norm) const {
    ThrowError(
        "the loss became {} (gradient norm {}) at step {} ({}); stopped "
        "without saving. The last good checkpoint is {}. Try a lower --lr "
        "or check the data",
        terms.at("total"), grad_norm, step_ + 1, LossSummary(terms),
        CheckpointPath(options_.out).string());
  }

  nlohmann::json Metadata() const {
    return {{"step", step_},
            {"total_steps", total_steps_},
            {"parallax_checkpoint", true},
            {"options", options_}};
  }

  double ParameterSum() const {
    torch::NoGradGuard no_grad;
    double sum = 0;
    for (const torch::Tensor& p : net_->parameters()) {
      sum += p.sum().item<double>();
    }
    return sum;
  }

  void SaveCheckpoint() {
    if (!writer_) return;
    SaveModelOptions save;
    save.metadata = Metadata();
    save.optimizer_state = SerializeOptimizer(*optimizer_);
    save.trainer_state = nlohmann::json{{"step", step_}}.dump();
    if (average_) save.averaged_state = average_->Serialize();
    SaveModel(CheckpointPath(options_.out), net_, save);
  }

  // Weights only, float16 with --fp16: one per scheduled checkpoint.
  void SaveSnapshot() {
    if (!writer_ || !options_.keep_checkpoints) return;
    SaveModelOptions save;
    save.fp16 = options_.fp16_model;
    save.metadata = Metadata();
    const fs::path path = SnapshotPath(options_.out, step_);
    fs::create_directories(path.parent_path());
    SaveModel(path, SavedNet(), save);
  }

  // The weights a run hands out: the moving average with --ema.
  DepthNet& SavedNet() { return average_ ? average_->averaged() : net_; }

  std::map<std::string, double> Validate() {
    return validator_->Run(SavedNet(), device_, options_.loss);
  }

  TrainOptions options_;
  TrainCallbacks callbacks_;
  std::unique_ptr<ProcessGroup> group_;  // data-parallel ranks, if any
  bool writer_ = true;                   // rank 0 writes the run folder
  torch::Device device_ = torch::kCPU;
  std::vector<StereoDataset> datasets_;
  std::optional<Validator> validator_;
  int64_t total_steps_ = 0;
  int64_t step_ = 0;
  DepthNet net_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::optional<WeightAverage> average_;  // with --ema
};

}  // namespace

TrainResult Train(const TrainOptions& options, bool resume,
                  const TrainCallbacks& callbacks) {
  TrainingRun run(options, resume, callbacks);
  return run.Run();
}

TrainOptions LoadRunOptions(const fs::path& out) {
  const fs::path path = CheckpointPath(out);
  if (!fs::exists(path)) {
    ThrowError("nothing to resume: '{}' does not exist", path.string());
  }
  const CheckpointFile file = ReadCheckpointFile(path);
  if (!file.metadata.contains("options")) {
    ThrowError("'{}' is not a training checkpoint", path.string());
  }
  return file.metadata.at("options").get<TrainOptions>();
}

}  // namespace parallax
