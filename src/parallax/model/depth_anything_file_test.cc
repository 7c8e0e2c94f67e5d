// Every bad file a user can hand to --model FILE.pth gives an error that
// names the file and, where there is one, the key.
#include "parallax/model/depth_anything_file.h"

#include <fstream>

#include <caffe2/serialize/inline_container.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <zlib.h>

#include "parallax/testing/testing.h"
#include "parallax/testing/torch_archive.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;
using Entries = std::vector<std::pair<std::string, torch::Tensor>>;
using ::testing::HasSubstr;

class DepthAnythingFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto fixtures = testing::DepthAnythingFixtureDir();
    if (!fixtures) GTEST_SKIP() << "no ../shared/fixtures/depth-anything-v2";
    fixtures_ = *fixtures;
    entries_ = ReadTorchStateDict(fixtures_ / "tiny.pth").entries;
  }

  // Writes `entries` as dir/NAME.pth (with the fixture's NAME.json beside
  // it) and returns the loader's error.
  std::string LoadError(const Entries& entries,
                        const testing::PickleOptions& options = {},
                        const std::string& name = "model") {
    const fs::path path = dir_ / (name + ".pth");
    testing::WriteStateDictArchive(path, entries, options);
    fs::copy_file(fixtures_ / "tiny.json", dir_ / (name + ".json"),
                  fs::copy_options::overwrite_existing);
    return testing::ErrorOf([&] { LoadDepthAnything(path); });
  }

  std::string BytesError(const std::string& bytes) {
    const fs::path path = dir_ / "bad.pth";
    std::ofstream(path, std::ios::binary) << bytes;
    return testing::ErrorOf([&] { LoadDepthAnything(path); });
  }

  std::string FixtureBytes() {
    std::ifstream in(fixtures_ / "tiny.pth", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path fixtures_;
  Entries entries_;
  testing::TempDir dir_;
};

TEST_F(DepthAnythingFileTest, OwnWriterRoundTrips) {
  EXPECT_EQ(LoadError(entries_), "no error");
}

TEST_F(DepthAnythingFileTest, MissingFile) {
  const std::string error =
      testing::ErrorOf([&] { LoadDepthAnything(dir_ / "nothing.pth"); });
  EXPECT_THAT(error, HasSubstr("nothing.pth': no such file"));
  EXPECT_THAT(testing::ErrorOf([&] { LoadDepthAnything(dir_.path()); }),
              HasSubstr("is a directory"));
}

TEST_F(DepthAnythingFileTest, NotAnArchive) {
  EXPECT_THAT(BytesError("this is a text file, not weights\n"),
              HasSubstr("bad.pth: not a PyTorch zip archive"));
  EXPECT_THAT(BytesError(""), HasSubstr("bad.pth: not a PyTorch zip archive"));
}

TEST_F(DepthAnythingFileTest, TruncatedArchive) {
  const std::string bytes = FixtureBytes();
  for (double fraction : {0.1, 0.5, 0.99}) {
    const std::string error = BytesError(
        bytes.substr(0, static_cast<size_t>(bytes.size() * fraction)));
    EXPECT_THAT(error, HasSubstr("bad.pth")) << fraction;
    EXPECT_NE(error, "no error") << fraction;
  }
}

TEST_F(DepthAnythingFileTest, CorruptRecordIsCaughtByItsChecksum) {
  std::string bytes = FixtureBytes();
  // A byte inside the weights of the first storage record (records are
  // stored, not compressed, 64-byte aligned after data.pkl).
  const size_t at = bytes.find("tiny/data/0") + 200;
  ASSERT_LT(at, bytes.size());
  bytes[at] = static_cast<char>(bytes[at] ^ 0x5a);
  const std::string error = BytesError(bytes);
  EXPECT_THAT(error, HasSubstr("bad.pth: record 'data/0' is damaged"));
  EXPECT_NE(error, "no error");
}

TEST_F(DepthAnythingFileTest, RefusesGlobalsAStateDictNeverNeeds) {
  testing::PickleOptions code;
  code.injected_call = "os\nsystem";
  const std::string error = LoadError(entries_, code);
  EXPECT_THAT(error, HasSubstr("model.pth"));
  EXPECT_THAT(error, HasSubstr("'os.system'"));
  EXPECT_THAT(error, HasSubstr("refused"));

  testing::PickleOptions storage;
  storage.storage_global_override = "torch\nEvilStorage";
  EXPECT_THAT(LoadError(entries_, storage), HasSubstr("'torch.EvilStorage'"));
}

TEST_F(DepthAnythingFileTest, WrappedCheckpointIsExplained) {
  testing::PickleOptions wrap;
  wrap.wrap_key = "model";
  const std::string error = LoadError(entries_, wrap);
  EXPECT_THAT(error, HasSubstr("'model' is a dict"));
  EXPECT_THAT(error, HasSubstr("model.state_dict()"));
}

TEST_F(DepthAnythingFileTest, AnotherNetwork) {
  const std::string error =
      LoadError({{"conv1.weight", torch::zeros({8, 3, 3, 3})},
                 {"conv1.bias", torch::zeros({8})}});
  EXPECT_THAT(error, HasSubstr("model.pth: not a Depth Anything V2 model"));
  EXPECT_THAT(error, HasSubstr("'conv1.weight'"));
}

TEST_F(DepthAnythingFileTest, MissingKey) {
  Entries entries;
  for (const auto& e : entries_) {
    if (e.first != "depth_head.scratch.refinenet2.out_conv.bias") {
      entries.push_back(e);
    }
  }
  const std::string error = LoadError(entries);
  EXPECT_THAT(error,
              HasSubstr("model.pth: missing key "
                        "'depth_head.scratch.refinenet2.out_conv.bias'"));
}

TEST_F(DepthAnythingFileTest, ExtraKey) {
  Entries entries = entries_;
  entries.emplace_back("depth_head.extra.weight", torch::zeros({2, 2}));
  EXPECT_THAT(LoadError(entries),
              HasSubstr("model.pth: unexpected key 'depth_head.extra.weight'"));
}

TEST_F(DepthAnythingFileTest, ShapeThatDoesNotFit) {
  Entries entries = entries_;
  for (auto& [key, tensor] : entries) {
    if (key == "depth_head.scratch.output_conv1.weight") {
      tensor = torch::zeros({8, 16, 5, 5});
    }
  }
  const std::string error = LoadError(entries);
  EXPECT_THAT(error, HasSubstr("'depth_head.scratch.output_conv1.weight' has "
                               "shape [8, 16, 5, 5]"));
  EXPECT_THAT(error, HasSubstr("needs [8, 16, 3, 3]"));
}

TEST_F(DepthAnythingFileTest, NanWeights) {
  Entries entries = entries_;
  entries[5].second = entries[5].second.clone();
  entries[5].second.view(-1)[0] = NAN;
  EXPECT_THAT(LoadError(entries),
              HasSubstr("'" + entries[5].first + "' holds NaN"));
}

TEST_F(DepthAnythingFileTest, NonOfficialWidthWithoutHeadCount) {
  const fs::path path = dir_ / "custom.pth";
  testing::WriteStateDictArchive(path, entries_);
  const std::string error = testing::ErrorOf([&] { LoadDepthAnything(path); });
  EXPECT_THAT(error, HasSubstr("width 48 is not an official one"));
  EXPECT_THAT(error, HasSubstr("custom.json"));
}

TEST_F(DepthAnythingFileTest, MetricNeedsItsRange) {
  EXPECT_THAT(LoadError(entries_, {}, "depth_anything_v2_metric_vits"),
              HasSubstr("maximum depth is not known"));
  EXPECT_EQ(LoadError(entries_, {}, "depth_anything_v2_metric_hypersim_x"),
            "no error");
  const LoadedDepthAnything metric =
      LoadDepthAnything(dir_ / "depth_anything_v2_metric_hypersim_x.pth");
  EXPECT_TRUE(metric.config.metric);
  EXPECT_EQ(metric.config.max_depth, 20);
}

TEST_F(DepthAnythingFileTest, StorageRecordsShorterThanTheirTensors) {
  const fs::path path = dir_ / "short.pth";
  {
    caffe2::serialize::PyTorchStreamWriter writer(path.string());
    const std::string pickle =
        testing::PickleStateDict({{"a", torch::zeros({100})}});
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    const std::vector<float> ten(10, 0.f);
    writer.writeRecord("data/0", ten.data(), ten.size() * sizeof(float));
    writer.writeEndOfFile();
  }
  EXPECT_THAT(testing::ErrorOf([&] { ReadTorchStateDict(path); }),
              HasSubstr("short.pth: record data/0 holds 40 bytes, its storage "
                        "needs 400"));
  const fs::path missing = dir_ / "missing.pth";
  {
    caffe2::serialize::PyTorchStreamWriter writer(missing.string());
    const std::string pickle =
        testing::PickleStateDict({{"a", torch::zeros({100})}});
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    writer.writeEndOfFile();
  }
  EXPECT_THAT(testing::ErrorOf([&] { ReadTorchStateDict(missing); }),
              HasSubstr("missing.pth: the archive has no record 'data/0'"));
}

TEST_F(DepthAnythingFileTest, TensorsReachingPastTheirStorage) {
  const fs::path path = dir_ / "hostile.pth";
  testing::PickleOptions huge;
  huge.size_override = {int64_t{1} << 40};
  huge.stride_override = {1};
  testing::WriteStateDictArchive(path, {{"a", torch::zeros({4})}}, huge);
  EXPECT_THAT(testing::ErrorOf([&] { ReadTorchStateDict(path); }),
              HasSubstr("reaches past its storage (4 elements)"));
  testing::PickleOptions stride;
  stride.size_override = {2};
  stride.stride_override = {int64_t{1} << 50};
  testing::WriteStateDictArchive(path, {{"a", torch::zeros({4})}}, stride);
  EXPECT_THAT(testing::ErrorOf([&] { ReadTorchStateDict(path); }),
              HasSubstr("absurd size"));
}

// Found by fuzz/torch_state_dict_fuzzer: LibTorch's reader allocates the
// size a record's zip directory entry claims before reading it, so a 1.7 KB
// archive claiming a 4 GiB data.pkl allocated 4 GiB.
// A zip of stored records without extra fields, as Python's zipfile writes
// it; `claimed_pickle_size` replaces data.pkl's size in the central
// directory unless 0. (The DOS time must not be 0: miniz reads the method and
// the time as one 32-bit field when it checks stored sizes, so a timestamp
// is what lets the claim through to the allocation, as in the fuzzer's
// input.)
std::string PlainZip(
    const std::vector<std::pair<std::string, std::string>>& records,
    uint32_t claimed_pickle_size) {
  std::string out, directory;
  const auto put = [](std::string& to, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
      to.push_back(static_cast<char>(value >> 8 * i));
  };
  for (const auto& [name, data] : records) {
    const uint32_t crc = static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(data.data()),
              static_cast<uInt>(data.size())));
    const uint64_t claimed =
        claimed_pickle_size != 0 && name == "archive/data.pkl"
            ? claimed_pickle_size
            : data.size();
    std::string common;  // version .. name length, extra length
    put(common, 20, 2), put(common, 0, 2), put(common, 0, 2);
    put(common, 0x5B216000, 4), put(common, crc, 4),
        put(common, data.size(), 4);
    put(common, claimed, 4), put(common, name.size(), 2), put(common, 0, 2);
    put(directory, 0x02014b50, 4), put(directory, 20, 2);
    directory += common;
    put(directory, 0, 6), put(directory, 0, 4), put(directory, out.size(), 4);
    directory += name;
    put(out, 0x04034b50, 4);
    out += common.substr(0, 14);
    put(out, data.size(), 4), put(out, data.size(), 4);
    out += common.substr(22);
    out += name + data;
  }
  const size_t directory_offset = out.size();
  out += directory;
  put(out, 0x06054b50, 4), put(out, 0, 4), put(out, records.size(), 2);
  put(out, records.size(), 2), put(out, directory.size(), 4);
  put(out, directory_offset, 4), put(out, 0, 2);
  return out;
}

// Found by fuzz/torch_state_dict_fuzzer: LibTorch's reader allocates the
// size a record's zip directory entry claims before reading it, so a 1.7 KB
// archive claiming a 4 GiB data.pkl allocated 4 GiB.
TEST(TorchStateDictTest, RecordsClaimingMoreThanTheArchiveHolds) {
  testing::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> records = {
      {"archive/data.pkl",
       testing::PickleStateDict({{"a", torch::zeros({4})}})},
      {"archive/data/0", std::string(16, '\0')},
      {"archive/version", "3\n"}};
  const fs::path path = dir / "claims.pth";
  std::ofstream(path, std::ios::binary) << PlainZip(records, 0);
  EXPECT_EQ(testing::ErrorOf([&] { ReadTorchStateDict(path); }),
            "no error");  // the archive itself is sound
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << PlainZip(records, 0xF0FFFF00u);
  EXPECT_THAT(testing::ErrorOf([&] { ReadTorchStateDict(path); }),
              HasSubstr("claims.pth: record 'archive/data.pkl' claims "
                        "4043308800 bytes, more than the archive holds"));
}

TEST(TorchStateDictTest, DamagedPicklePrograms) {
  auto no_records = [](const std::string&) -> std::string { return ""; };
  auto error = [&](const std::string& program) {
    return testing::ErrorOf(
        [&] { ParseStateDictPickle(program, no_records, "x.pth"); });
  };
  EXPECT_THAT(error(""), HasSubstr("x.pth: not a readable state dict: the "
                                   "pickle is cut short"));
  EXPECT_THAT(error("\x80\x02}q\x05h\x07."), HasSubstr("memo entry 7"));
  EXPECT_THAT(error("\x80\x02u."), HasSubstr("a mark is missing"));
  EXPECT_THAT(error("\x80\x02s."), HasSubstr("empty stack"));
  EXPECT_THAT(error("\x80\x02\xff"), HasSubstr("opcode 0xff"));
  EXPECT_THAT(error("\x80\x02]."),
              HasSubstr("a pickled list, not a state dict"));
  // An empty dict is a state dict with nothing in it.
  EXPECT_EQ(ParseStateDictPickle("\x80\x02}.", no_records, "x").size(), 0u);
}

// Found by fuzz/torch_state_dict_fuzzer: containers nested one opcode per
// level (here 300,000 TUPLE1) were destroyed recursively and overflowed the
// stack; a list that holds itself through the memo leaked.
TEST(TorchStateDictTest, DeepAndCyclicContainers) {
  auto no_records = [](const std::string&) -> std::string { return ""; };
  const std::string deep = "\x80\x02N" + std::string(300000, '\x85') + ".";
  EXPECT_THAT(
      testing::ErrorOf([&] { ParseStateDictPickle(deep, no_records, "x"); }),
      HasSubstr("a pickled tuple, not a state dict"));
  // ] q0 h0 a .: a list appended to itself.
  const std::string cycle(
      "\x80\x02]q\x00h\x00"
      "a.",
      9);
  EXPECT_THAT(
      testing::ErrorOf([&] { ParseStateDictPickle(cycle, no_records, "x"); }),
      HasSubstr("a pickled list, not a state dict"));
}

// Found by fuzz/torch_state_dict_fuzzer: an empty storage was filled with
// memcpy(nullptr, ..., 0), undefined behaviour (UBSan). Empty tensors load.
TEST(TorchStateDictTest, EmptyStorage) {
  auto read = [](const std::string&) { return std::string(); };
  const StateDict weights = ParseStateDictPickle(
      testing::PickleStateDict({{"empty", torch::zeros({0})}}), read, "x");
  ASSERT_EQ(weights.size(), 1u);
  EXPECT_EQ(weights.Find("empty")->numel(), 0);
}

// Found while writing fuzz/torch_state_dict_fuzzer (its replay shows the ASan
// report): zero strides let a 4-element storage stand for a 2^20 x 2^20
// tensor, and copying it out allocated 4 TiB. A tensor may not have more
// elements than its storage.
TEST(TorchStateDictTest, ZeroStridesCannotInflateATensor) {
  const std::string storage(4 * sizeof(float), '\0');
  auto read = [&](const std::string&) { return storage; };
  auto error = [&](std::vector<int64_t> sizes, std::vector<int64_t> strides) {
    testing::PickleOptions options;
    options.size_override = std::move(sizes);
    options.stride_override = std::move(strides);
    const std::string pickle =
        testing::PickleStateDict({{"a", torch::zeros({4})}}, options);
    return testing::ErrorOf([&] { ParseStateDictPickle(pickle, read, "x"); });
  };
  EXPECT_THAT(error({int64_t{1} << 20, int64_t{1} << 20}, {0, 0}),
              HasSubstr("more elements than its storage holds (4 elements)"));
  EXPECT_THAT(error({5}, {0}), HasSubstr("more elements than its storage"));
  // Views that repeat no more than the storage holds still load: a size-1
  // dimension's stride is free, and (1, 4) with stride (0, 1) is how an
  // expanded buffer such as position ids is saved.
  EXPECT_EQ(error({1, 4}, {0, 1}), "no error");
  EXPECT_EQ(error({2, 2}, {0, 1}), "no error");
}

}  // namespace
}  // namespace parallax
