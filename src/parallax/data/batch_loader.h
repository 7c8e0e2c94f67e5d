// Background loading of training batches.
//
// Sample k of the run is fully determined by (seed, k): which dataset and
// pair it comes from (weighted mixing, a fresh permutation of each dataset
// per pass) and its augmentation. Workers load batches ahead of the trainer
// in a thread pool, and batch n is the same whatever the thread timing, so a
// resumed run sees exactly the data an uninterrupted run would.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "parallax/data/augment.h"
#include "parallax/data/optic_flow.h"
#include "parallax/data/stereo_dataset.h"
#include "parallax/data/stereo_hints.h"
#include "parallax/util/thread_pool.h"

namespace parallax {

struct BatchLoaderOptions {
  int batch_size = 8;
  cv::Size size{512, 256};
  // 3 = RGB; 7 = flow to previous frame (x, y), RGB, flow to next (x, y).
  // The flows are of the input's eye (the right view of mirrored samples),
  // mirrored with it, and zero at the ends of a sequence.
  int input_channels = 3;
  FlowMethod flow_method = FlowMethod::kDis;
  AugmentOptions augment;
  uint64_t seed = 0;
  int num_workers = 2;
  int prefetch_batches = 4;
  // Pairs without ground truth get stereo-matched proxy disparity as their
  // GT (see stereo_hints.h), computed once per pair on first use.
  bool stereo_hints = false;
  StereoHintOptions hint_options;
};

// Planar float batches, ready to wrap as tensors.
struct Batch {
  int64_t index = 0;  // batch number in the run
  int batch_size = 0, input_channels = 3, height = 0, width = 0;
  std::vector<float> input;  // [B, input_channels, H, W]
  std::vector<float> left;   // [B, 3, H, W] RGB in [0, 1]
  std::vector<float> right;  // [B, 3, H, W]
  // [B, 1, H, W] left GT disparity (fraction of width, NaN = unknown); empty
  // when no sample of the batch has ground truth.
  std::vector<float> gt_disparity;
};

// Which (dataset, pair) sample k comes from: weighted choice of the dataset,
// then the next pair of that dataset's current shuffled pass.
class SampleSchedule {
 public:
  SampleSchedule(std::vector<size_t> dataset_sizes, std::vector<double> weights,
                 uint64_t seed);
  struct Entry {
    int dataset;
    int pair;
  };
  // Entries are produced in order; Skip(n) fast-forwards (for resume).
  Entry Next();
  void Skip(int64_t count);

 private:
  std::vector<size_t> sizes_;
  std::discrete_distribution<int> pick_dataset_;
  std::mt19937_64 rng_;
  std::vector<std::vector<int>> permutations_;
  std::vector<size_t> cursors_;
};

class BatchLoader {
 public:
  // Starts loading at batch `first_batch` (non-zero when resuming).
  BatchLoader(std::vector<StereoDataset> datasets, BatchLoaderOptions options,
              int64_t first_batch = 0);
  ~BatchLoader();
  // Blocks until the next batch is ready. Throws parallax::Error if a file
  // fails to load (naming it).
  Batch Next();

  size_t total_pairs() const;

 private:
  struct SampleTask {
    int dataset;
    int pair;
    uint64_t sample_seed;
  };
  void Enqueue();
  Batch Load(int64_t index, std::vector<SampleTask> tasks) const;
  std::shared_ptr<const StereoHints> HintsFor(const SampleTask& task,
                                              const StereoPair& pair) const;

  std::vector<StereoDataset> datasets_;
  BatchLoaderOptions options_;
  SampleSchedule schedule_;
  int64_t next_index_ = 0;
  std::unique_ptr<ThreadPool> pool_;
  std::deque<std::future<Batch>> pending_;
  // Set by the destructor so that queued batches are skipped, not loaded.
  std::atomic<bool> stopping_{false};
  mutable std::mutex hints_mutex_;
  mutable std::map<std::pair<int, int>, std::shared_ptr<const StereoHints>>
      hints_;  // by (dataset, pair)
};

// A stable 64-bit mix of the run seed and a sample number.
uint64_t MixSeed(uint64_t seed, uint64_t value);

}  // namespace parallax
