#include "parallax/model/checkpoint_file.h"

#include <gtest/gtest.h>

#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

CheckpointFile Example() {
  CheckpointFile file;
  file.model = {{"architecture", "vgg"}};
  file.metadata = {{"step", 12}};
  file.blobs.push_back({"a", "float32", {2, 2}, std::string(16, '\x01')});
  file.blobs.push_back({"b", "bytes", {3}, "xyz"});
  return file;
}

std::string ErrorOf(const std::string& bytes) {
  try {
    DecodeCheckpointFile(bytes, "m.plx");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(CheckpointFile, RoundTrip) {
  const CheckpointFile decoded =
      DecodeCheckpointFile(EncodeCheckpointFile(Example()), "m.plx");
  EXPECT_EQ(decoded.model, Example().model);
  EXPECT_EQ(decoded.metadata["step"], 12);
  ASSERT_EQ(decoded.blobs.size(), 2u);
  EXPECT_EQ(decoded.Find("a")->data, std::string(16, '\x01'));
  EXPECT_EQ(decoded.Find("a")->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(decoded.Find("b")->data, "xyz");
  EXPECT_EQ(decoded.Find("c"), nullptr);
}

TEST(CheckpointFile, WritesAtomicallyAndReadsBack) {
  testing::TempDir dir;
  WriteCheckpointFile(dir / "m.plx", Example());
  EXPECT_EQ(ReadCheckpointFile(dir / "m.plx").Find("b")->data, "xyz");
  EXPECT_THROW(ReadCheckpointFile(dir / "missing.plx"), Error);
}

TEST(CheckpointFile, EveryTruncationIsDetected) {
  const std::string bytes = EncodeCheckpointFile(Example());
  for (size_t keep = 0; keep < bytes.size(); keep += 7) {
    const std::string message = ErrorOf(bytes.substr(0, keep));
    EXPECT_NE(message.find("m.plx"), std::string::npos) << keep;
  }
}

TEST(CheckpointFile, FlippedByteIsDetected) {
  std::string bytes = EncodeCheckpointFile(Example());
  bytes[bytes.size() / 2] ^= 0x40;
  EXPECT_NE(ErrorOf(bytes).find("checksum"), std::string::npos);
}

TEST(CheckpointFile, ForeignFileAndNewerVersionAreNamed) {
  EXPECT_NE(ErrorOf("\x89PNG\r\n\x1a\n-------------------------")
                .find("not a Parallax model"),
            std::string::npos);
  std::string bytes = EncodeCheckpointFile(Example());
  bytes[8] = 99;  // format version
  EXPECT_NE(ErrorOf(bytes).find("newer"), std::string::npos);
}

// A file with `blobs` as its blob table verbatim and 64 bytes of payload,
// with a correct checksum: what a hand-made hostile file looks like.
std::string WithBlobTable(const nlohmann::json& blobs) {
  const std::string header = nlohmann::json{
      {"format_version", 1},
      {"model", {}},
      {"blobs", blobs}}.dump();
  std::string bytes = "PARALLAX";
  const auto append = [&](uint64_t value, int count) {
    for (int i = 0; i < count; ++i)
      bytes.push_back(static_cast<char>(value >> (8 * i)));
  };
  append(1, 4);
  append(header.size(), 8);
  bytes += header;
  bytes.resize((bytes.size() + 63) / 64 * 64 + 64, '\0');
  append(Fnv1a64(bytes.data(), bytes.size()), 8);
  return bytes;
}

// Found by review while writing fuzz/checkpoint_fuzzer: the element count
// and the blob's end were computed with arithmetic that could wrap, so a
// shape of 2^62 x 4 float32 "needed" 0 bytes (signed overflow, undefined)
// and an offset near 2^64 passed the bounds check.
TEST(CheckpointFile, HostileShapesAndOffsetsCannotWrap) {
  const int64_t huge = int64_t{1} << 62;
  EXPECT_NE(ErrorOf(WithBlobTable({{{"name", "w"},
                                    {"dtype", "float32"},
                                    {"shape", {huge, 4}},
                                    {"offset", 0},
                                    {"size", 0}}}))
                .find("blob 'w' has an absurd shape"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithBlobTable({{{"name", "w"},
                                    {"dtype", "float32"},
                                    {"shape", {4}},
                                    {"offset", ~uint64_t{0} - 63},
                                    {"size", 16}}}))
                .find("blob 'w' lies outside the file"),
            std::string::npos);
  // Found by fuzz/checkpoint_fuzzer: a float where an integer belongs was
  // cast by nlohmann without a range check (undefined for 2e+120).
  EXPECT_NE(ErrorOf(WithBlobTable({{{"name", "w"},
                                    {"dtype", "float32"},
                                    {"shape", {2e120}},
                                    {"offset", 0},
                                    {"size", 0}}}))
                .find("blob 'w' has an absurd shape"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithBlobTable({{{"name", "w"},
                                    {"dtype", "float32"},
                                    {"shape", {4}},
                                    {"offset", 1e300},
                                    {"size", 16}}}))
                .find("blob 'w' has an invalid offset"),
            std::string::npos);
  // The same table with sane numbers reads.
  EXPECT_EQ(ErrorOf(WithBlobTable({{{"name", "w"},
                                    {"dtype", "float32"},
                                    {"shape", {4}},
                                    {"offset", 48},
                                    {"size", 16}}})),
            "");
}

TEST(CheckpointFile, Fnv1aKnownValues) {
  // Reference values of the 64-bit FNV-1a hash.
  EXPECT_EQ(Fnv1a64("", 0), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a", 1), 0xaf63dc4c8601ec8cull);
}

}  // namespace
}  // namespace parallax
