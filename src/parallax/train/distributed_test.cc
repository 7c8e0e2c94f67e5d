// Two ranks on loopback, each in its own thread: gradients averaged over
// Gloo keep the weights identical, and the result differs from training on
// one rank's data alone.
#include "parallax/train/distributed.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <future>
#include <random>

#include "parallax/testing/testing.h"
#include "parallax/train/synthetic_stereo.h"
#include "parallax/train/trainer.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

int FreePortGuess() {
  std::random_device random;
  return 20000 + static_cast<int>(random() % 20000);
}

TEST(ProcessGroup, AveragesAcrossRanksAndAgreesOnFlags) {
  const int port = FreePortGuess();
  auto rank = [port](int r) {
    DistributedOptions options;
    options.world_size = 2;
    options.rank = r;
    options.master_port = port;
    ProcessGroup group(options);
    torch::Tensor p = torch::zeros({3}, torch::requires_grad());
    p.mutable_grad() = torch::full({3}, r == 0 ? 1.0f : 3.0f);
    group.AverageGradients({p});
    const bool any = group.AnyRank(r == 1);
    return std::make_pair(p.grad()[0].item<float>(), any);
  };
  auto a = std::async(std::launch::async, rank, 0);
  auto b = std::async(std::launch::async, rank, 1);
  const auto ra = a.get(), rb = b.get();
  EXPECT_FLOAT_EQ(ra.first, 2.0f);
  EXPECT_FLOAT_EQ(rb.first, 2.0f);
  EXPECT_TRUE(ra.second);
  EXPECT_TRUE(rb.second);
}

TEST(ProcessGroup, BadRankIsAClearError) {
  DistributedOptions options;
  options.world_size = 2;
  options.rank = 2;
  EXPECT_THROW(options.Check(), Error);
}

TEST(DistributedTraining, RanksStayInStepAndOnlyRankZeroWrites) {
  torch::set_num_threads(1);
  testing::TempDir dir;
  testing::WriteTwoPlaneDataset(dir / "data", 4, {128, 64}, 4.0, 1.0);
  const int port = FreePortGuess();
  auto options_for = [&](int rank, int world, const std::string& out) {
    TrainOptions options;
    options.data = {{dir / "data", 1.0}};
    options.out = dir / out;
    options.steps = 3;
    options.batch_size = 1;
    options.model.width = 0.125;
    options.model.train_width = 128;
    options.model.train_height = 64;
    options.learning_rate = 1e-3;
    options.device = "cpu";
    options.threads = 1;
    options.loader_workers = 1;
    options.distributed.world_size = world;
    options.distributed.rank = rank;
    options.distributed.master_port = port;
    return options;
  };
  TrainCallbacks quiet;
  quiet.show_progress = false;
  auto run = [&](int rank) {
    return Train(options_for(rank, 2, "ddp"), false, quiet);
  };
  auto r0 = std::async(std::launch::async, run, 0);
  auto r1 = std::async(std::launch::async, run, 1);
  const TrainResult a = r0.get(), b = r1.get();
  EXPECT_EQ(a.last_step, 3);
  EXPECT_EQ(b.last_step, 3);
  EXPECT_DOUBLE_EQ(a.parameter_sum, b.parameter_sum);
  EXPECT_TRUE(std::filesystem::exists(ModelPath(dir / "ddp")));

  const TrainResult alone = Train(options_for(0, 1, "single"), false, quiet);
  EXPECT_NE(alone.parameter_sum, a.parameter_sum);
}

}  // namespace
}  // namespace parallax
