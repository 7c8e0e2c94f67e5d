#include "parallax/data/batch_loader.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <opencv2/core.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

uint64_t SplitMix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The schedule's random stream, apart from every sample's stream.
constexpr uint64_t kScheduleStream = ~uint64_t{0};

// Copies a float image [H, W, C] into planar memory [C, H, W].
void CopyPlanar(const cv::Mat& image, float* out) {
  THROW_CHECK(image.depth() == CV_32F);
  std::vector<cv::Mat> planes;
  for (int c = 0; c < image.channels(); ++c) {
    planes.emplace_back(image.rows, image.cols, CV_32F,
                        out + size_t(c) * image.total());
  }
  // split() writes into the given Mats: their size and type already match.
  cv::split(image, planes);
}

// The previous (step -1) or next (+1) frame of `pair`'s sequence; the frame
// itself at the ends of a sequence and for a lone pair.
int NeighbourIndex(const StereoDataset& dataset, int pair, int step) {
  const StereoPairSource& source = dataset.pairs[pair];
  const int neighbour = pair + step;
  const int frame = source.frame + step;
  if (frame < 0 || frame >= source.sequence_length || neighbour < 0 ||
      neighbour >= int(dataset.pairs.size()) ||
      dataset.pairs[neighbour].sequence != source.sequence) {
    return pair;
  }
  return neighbour;
}

// Flow from the current frame to a neighbour, at training size, mirrored
// with the sample and scaled to mean |component| 1. `current` is the input
// eye (the right view when flipped) cropped and resized but not mirrored or
// colour-jittered: jitter is not motion.
cv::Mat NeighbourFlow(const cv::Mat& current, const StereoDataset& dataset,
                      int pair, int neighbour, cv::Size source_size,
                      const AugmentParams& params, FlowMethod method) {
  cv::Mat flow(current.size(), CV_32FC2, cv::Scalar::all(0));
  if (neighbour == pair) return flow;  // no motion to the frame itself
  const cv::Mat view =
      LoadStereoView(dataset.pairs[neighbour], /*right=*/params.flip);
  // A sequence changing frame size mid-way has no meaningful flow.
  if (view.size() != source_size) return flow;
  flow = ComputeOpticFlow(
      current, CropAndResize(view, params.crop, current.size()), method);
  if (params.flip) {
    // Mirroring x -> W-1-x turns a flow (fx, fy) into (-fx, fy).
    cv::flip(flow, flow, 1);
    cv::multiply(flow, cv::Scalar(-1.0, 1.0), flow);
  }
  NormalizeFlowMagnitude(flow);
  return flow;
}

// A stored flow through the sample's crop, resize and mirror: vectors scale
// with the resize, mirroring negates x, and the result is rescaled to mean
// |component| 1 like computed flow.
cv::Mat AugmentFlow(const cv::Mat& flow, const AugmentParams& params,
                    cv::Size size) {
  cv::Mat out = CropAndResize(flow, params.crop, size);
  const double sx = static_cast<double>(size.width) / params.crop.width;
  const double sy = static_cast<double>(size.height) / params.crop.height;
  if (params.flip) {
    cv::flip(out, out, 1);
    cv::multiply(out, cv::Scalar(-sx, sy), out);
  } else {
    cv::multiply(out, cv::Scalar(sx, sy), out);
  }
  NormalizeFlowMagnitude(out);
  return out;
}

}  // namespace

uint64_t MixSeed(uint64_t seed, uint64_t value) {
  return SplitMix64(SplitMix64(seed) + 0x9E3779B97F4A7C15ull * (value + 1));
}

SampleSchedule::SampleSchedule(std::vector<size_t> dataset_sizes,
                               std::vector<double> weights, uint64_t seed)
    : sizes_(std::move(dataset_sizes)),
      rng_(MixSeed(seed, kScheduleStream)),
      permutations_(sizes_.size()),
      cursors_(sizes_.size(), 0) {
  THROW_CHECK(!sizes_.empty());
  THROW_CHECK_EQ(sizes_.size(), weights.size());
  for (size_t i = 0; i < sizes_.size(); ++i) {
    THROW_CHECK_GT(sizes_[i], 0u);
    THROW_CHECK_MSG(weights[i] > 0 && std::isfinite(weights[i]),
                    "weight {} of dataset {}", weights[i], i);
  }
  pick_dataset_ =
      std::discrete_distribution<int>(weights.begin(), weights.end());
}

SampleSchedule::Entry SampleSchedule::Next() {
  const int dataset = pick_dataset_(rng_);
  std::vector<int>& permutation = permutations_[dataset];
  size_t& cursor = cursors_[dataset];
  if (cursor == 0) {
    // A fresh pass: every pair once, in a new order.
    permutation.resize(sizes_[dataset]);
    std::iota(permutation.begin(), permutation.end(), 0);
    std::shuffle(permutation.begin(), permutation.end(), rng_);
  }
  const int pair = permutation[cursor];
  cursor = (cursor + 1) % sizes_[dataset];
  return {dataset, pair};
}

void SampleSchedule::Skip(int64_t count) {
  for (int64_t i = 0; i < count; ++i) Next();
}

BatchLoader::BatchLoader(std::vector<StereoDataset> datasets,
                         BatchLoaderOptions options, int64_t first_batch)
    : datasets_(std::move(datasets)),
      options_(std::move(options)),
      schedule_(
          [&] {
            if (datasets_.empty()) ThrowError("no training data given");
            std::vector<size_t> sizes;
            for (const StereoDataset& dataset : datasets_) {
              if (dataset.pairs.empty()) {
                ThrowError("dataset '{}' has no stereo pairs",
                           dataset.root.string());
              }
              if (!(dataset.weight > 0) || !std::isfinite(dataset.weight)) {
                ThrowError("dataset '{}' has weight {}: it must be > 0",
                           dataset.root.string(), dataset.weight);
              }
              sizes.push_back(dataset.pairs.size());
            }
            return sizes;
          }(),
          [&] {
            std::vector<double> weights;
            for (const StereoDataset& dataset : datasets_) {
              weights.push_back(dataset.weight);
            }
            return weights;
          }(),
          options_.seed),
      next_index_(first_batch) {
  if (options_.batch_size < 1) ThrowError("batch size must be at least 1");
  if (options_.size.width < 1 || options_.size.height < 1) {
    ThrowError("invalid training size {}x{}", options_.size.width,
               options_.size.height);
  }
  if (options_.input_channels != 3 && options_.input_channels != 7) {
    ThrowError("input channels must be 3 (RGB) or 7 (flow, RGB, flow), not {}",
               options_.input_channels);
  }
  if (first_batch < 0) ThrowError("first batch must be >= 0");
  schedule_.Skip(first_batch * options_.batch_size);
  pool_ = std::make_unique<ThreadPool>(std::max(1, options_.num_workers));
  for (int i = 0; i < std::max(1, options_.prefetch_batches); ++i) Enqueue();
}

BatchLoader::~BatchLoader() {
  stopping_ = true;
  pool_.reset();  // joins the workers before the members they use go
}

size_t BatchLoader::total_pairs() const {
  size_t total = 0;
  for (const StereoDataset& dataset : datasets_) total += dataset.pairs.size();
  return total;
}

void BatchLoader::Enqueue() {
  const int64_t index = next_index_++;
  std::vector<SampleTask> tasks;
  for (int b = 0; b < options_.batch_size; ++b) {
    const SampleSchedule::Entry entry = schedule_.Next();
    const uint64_t sample = uint64_t(index) * options_.batch_size + b;
    tasks.push_back(
        {entry.dataset, entry.pair, MixSeed(options_.seed, sample)});
  }
  pending_.push_back(
      pool_->Submit([this, index, tasks = std::move(tasks)]() mutable {
        return Load(index, std::move(tasks));
      }));
}

Batch BatchLoader::Next() {
  std::future<Batch> next = std::move(pending_.front());
  pending_.pop_front();
  Enqueue();  // keep the workers busy while the trainer waits or trains
  return next.get();
}

Batch BatchLoader::Load(int64_t index, std::vector<SampleTask> tasks) const {
  Batch batch;
  batch.index = index;
  batch.batch_size = int(tasks.size());
  batch.input_channels = options_.input_channels;
  batch.height = options_.size.height;
  batch.width = options_.size.width;
  if (stopping_) return batch;
  const size_t plane = size_t(batch.height) * batch.width;
  batch.input.resize(tasks.size() * batch.input_channels * plane);
  batch.left.resize(tasks.size() * 3 * plane);
  batch.right.resize(tasks.size() * 3 * plane);
  for (size_t b = 0; b < tasks.size(); ++b) {
    if (stopping_) return batch;
    const SampleTask& task = tasks[b];
    const StereoDataset& dataset = datasets_[task.dataset];
    const StereoPairSource& source = dataset.pairs[task.pair];
    try {
      std::mt19937_64 rng(task.sample_seed);
      StereoPair pair = LoadStereoPair(source);
      if (options_.stereo_hints && pair.gt_disparity.empty()) {
        const std::shared_ptr<const StereoHints> hints = HintsFor(task, pair);
        pair.gt_disparity = hints->left;
        pair.gt_disparity_right = hints->right;
      }
      const AugmentParams params = DrawAugmentParams(
          pair.left.size(), options_.size, options_.augment, rng);
      const TrainingSample sample =
          ApplyAugmentation(pair, options_.size, params);
      CopyPlanar(sample.left, batch.left.data() + b * 3 * plane);
      CopyPlanar(sample.right, batch.right.data() + b * 3 * plane);
      float* input = batch.input.data() + b * batch.input_channels * plane;
      if (batch.input_channels == 3) {
        CopyPlanar(sample.left, input);
      } else {
        const cv::Mat current = CropAndResize(
            params.flip ? pair.right : pair.left, params.crop, options_.size);
        const auto flow = [&](int step) {
          return NeighbourFlow(current, dataset, task.pair,
                               NeighbourIndex(dataset, task.pair, step),
                               pair.left.size(), params, options_.flow_method);
        };
        // [flow_prev x, y, R, G, B, flow_next x, y]
        const std::filesystem::path& stored =
            params.flip ? source.flow_right : source.flow_left;
        if (!stored.empty()) {
          const auto [previous, next] =
              ReadStoredFlow(stored, pair.left.size());
          CopyPlanar(AugmentFlow(previous, params, options_.size), input);
          CopyPlanar(AugmentFlow(next, params, options_.size),
                     input + 5 * plane);
        } else {
          CopyPlanar(flow(-1), input);
          CopyPlanar(flow(+1), input + 5 * plane);
        }
        CopyPlanar(sample.left, input + 2 * plane);
      }
      if (!sample.gt_disparity.empty()) {
        if (batch.gt_disparity.empty()) {
          batch.gt_disparity.assign(tasks.size() * plane,
                                    std::numeric_limits<float>::quiet_NaN());
        }
        CopyPlanar(sample.gt_disparity, batch.gt_disparity.data() + b * plane);
      }
    } catch (const Error&) {
      throw;  // already names the file
    } catch (const std::exception& error) {
      ThrowError("cannot load the stereo pair '{}': {}", source.left.string(),
                 error.what());
    }
  }
  return batch;
}

std::shared_ptr<const StereoHints> BatchLoader::HintsFor(
    const SampleTask& task, const StereoPair& pair) const {
  const std::pair<int, int> key{task.dataset, task.pair};
  {
    std::lock_guard<std::mutex> lock(hints_mutex_);
    const auto found = hints_.find(key);
    if (found != hints_.end()) return found->second;
  }
  // Matched outside the lock: two workers may both compute a pair's hints
  // once, which costs less than serialising all matching.
  auto hints = std::make_shared<const StereoHints>(
      ComputeStereoHints(pair.left, pair.right, options_.hint_options));
  std::lock_guard<std::mutex> lock(hints_mutex_);
  return hints_.emplace(key, std::move(hints)).first->second;
}

}  // namespace parallax
