#include "parallax/io/image_probe.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "parallax/io/image_io.h"
#include "parallax/io/npy.h"
#include "parallax/io/pfm.h"
#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

std::string Encode(const std::string& extension, const cv::Mat& image,
                   const std::vector<int>& params = {}) {
  std::vector<uchar> buffer;
  EXPECT_TRUE(cv::imencode(extension, image, buffer, params));
  return std::string(buffer.begin(), buffer.end());
}

cv::Mat Noise(int rows, int cols, int type) {
  cv::Mat image(rows, cols, type);
  cv::RNG rng(11);
  rng.fill(image, cv::RNG::UNIFORM, 0, 255);
  return image;
}

std::string ErrorOf(const std::filesystem::path& path) {
  try {
    ProbeImage(path);
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

TEST(ProbeImage, ReadsHeadersOfEveryFormat) {
  testing::TempDir dir;
  struct Case {
    std::string file;
    cv::Mat image;
    ImageInfo expected;
  };
  const std::vector<Case> cases = {
      {"gray.png", Noise(7, 9, CV_8UC1), {9, 7, 1, CV_8U, "png"}},
      {"color.png", Noise(7, 9, CV_8UC3), {9, 7, 3, CV_8U, "png"}},
      {"rgba.png", Noise(7, 9, CV_8UC4), {9, 7, 4, CV_8U, "png"}},
      {"deep.png", Noise(7, 9, CV_16UC3), {9, 7, 3, CV_16U, "png"}},
      {"color.jpg", Noise(17, 33, CV_8UC3), {33, 17, 3, CV_8U, "jpeg"}},
      {"gray.jpg", Noise(17, 33, CV_8UC1), {33, 17, 1, CV_8U, "jpeg"}},
      {"lossy.webp", Noise(17, 33, CV_8UC3), {33, 17, 3, CV_8U, "webp"}},
      {"alpha.webp", Noise(17, 33, CV_8UC4), {33, 17, 4, CV_8U, "webp"}},
      {"color.bmp", Noise(5, 6, CV_8UC3), {6, 5, 3, CV_8U, "bmp"}},
      {"gray.bmp", Noise(5, 6, CV_8UC1), {6, 5, 1, CV_8U, "bmp"}},
      {"map.tif", Noise(5, 6, CV_32FC1), {6, 5, 1, CV_32F, "tif"}},
      {"disp.pfm", Noise(5, 6, CV_32FC3), {6, 5, 3, CV_32F, "pfm"}},
      {"disp.npy", Noise(5, 6, CV_64FC1), {6, 5, 1, CV_64F, "npy"}},
  };
  for (const Case& c : cases) {
    WriteImage(dir / c.file, c.image);
    const ImageInfo info = ProbeImage(dir / c.file);
    EXPECT_EQ(info.width, c.expected.width) << c.file;
    EXPECT_EQ(info.height, c.expected.height) << c.file;
    EXPECT_EQ(info.channels, c.expected.channels) << c.file;
    EXPECT_EQ(info.depth, c.expected.depth) << c.file;
    EXPECT_EQ(info.format, c.expected.format) << c.file;
    // The probe predicts what an unchanged read returns.
    const cv::Mat read = ReadImage(dir / c.file, ReadMode::kUnchanged);
    EXPECT_EQ(read.channels(), info.channels) << c.file;
    EXPECT_EQ(read.depth(), info.depth) << c.file;
  }
}

TEST(ProbeImage, LosslessWebpHeader) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "l.webp", Encode(".webp", Noise(4, 300, CV_8UC3),
                                         {cv::IMWRITE_WEBP_QUALITY, 101}));
  const ImageInfo info = ProbeImage(dir / "l.webp");
  EXPECT_EQ(info.width, 300);
  EXPECT_EQ(info.height, 4);
}

TEST(ProbeImage, FindsJpegFrameHeaderAfterLargeSegments) {
  // A 60 KB APP1 segment (like EXIF with a thumbnail) pushes the frame
  // header past the first block the probe reads.
  testing::TempDir dir;
  const std::string jpeg = Encode(".jpg", Noise(21, 40, CV_8UC3));
  const size_t payload = 60000;
  std::string app1 = "\xFF\xE1";
  app1.push_back(static_cast<char>((payload + 2) >> 8));
  app1.push_back(static_cast<char>((payload + 2) & 0xFF));
  app1.append(payload, '\xAB');
  WriteFileAtomic(dir / "exif.jpg", jpeg.substr(0, 2) + app1 + jpeg.substr(2));
  const ImageInfo info = ProbeImage(dir / "exif.jpg");
  EXPECT_EQ(info.width, 40);
  EXPECT_EQ(info.height, 21);
}

TEST(ProbeImage, TruncatedAndGarbageHeadersNameTheFile) {
  testing::TempDir dir;
  const std::string png = Encode(".png", Noise(4, 4, CV_8UC3));
  const std::string jpeg = Encode(".jpg", Noise(4, 4, CV_8UC3));
  const std::vector<std::pair<std::string, std::string>> files = {
      {"cut.png", png.substr(0, 20)},
      {"cut.jpg", jpeg.substr(0, 30)},
      {"junk.png", "this is not an image at all"},
      {"empty.png", ""},
      {"cut.pfm", EncodePfm(cv::Mat(4, 4, CV_32FC1, 1.0f)).substr(0, 40)},
      {"cut.npy", EncodeNpy(cv::Mat(4, 4, CV_32FC1, 1.0f)).substr(0, 100)},
  };
  for (const auto& [file, bytes] : files) {
    WriteFileAtomic(dir / file, bytes);
    const std::string error = ErrorOf(dir / file);
    EXPECT_NE(error.find("cannot read image '" + (dir / file).string() + "'"),
              std::string::npos)
        << error;
  }
  // A PNG whose IHDR checksum is wrong.
  std::string bad_crc = png;
  bad_crc[18] ^= 0x01;
  WriteFileAtomic(dir / "crc.png", bad_crc);
  EXPECT_NE(ErrorOf(dir / "crc.png").find("checksum"), std::string::npos);
  EXPECT_NE(ErrorOf(dir / "missing.png").find("no such file"),
            std::string::npos);
}

// Found while writing fuzz/image_probe_fuzzer (its replay shows the ASan
// report): the VP8X size fields were read with a 4-byte load, one byte past the
// end of a 30-byte file. The header is in a buffer of exactly its size so that
// AddressSanitizer (scripts/test --sanitize) sees any read beyond it.
TEST(ProbeImage, ExtendedWebpHeaderOfExactly30Bytes) {
  const std::string header(
      "RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00"
      "\x10\x00\x00\x00\x63\x00\x00\x2f\x00\x00",
      30);
  const std::vector<char> bytes(header.begin(), header.end());
  const std::optional<ImageInfo> info =
      internal::ParseImageHeader(bytes, bytes.size(), "vp8x.webp");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->width, 100);
  EXPECT_EQ(info->height, 48);
  EXPECT_EQ(info->channels, 4);  // the alpha flag
  EXPECT_EQ(info->format, "webp");
}

TEST(Crc32, MatchesKnownValues) {
  EXPECT_EQ(internal::Crc32(std::string_view("IEND")), 0xAE426082u);
  EXPECT_EQ(internal::Crc32(std::string_view("123456789")), 0xCBF43926u);
}

}  // namespace
}  // namespace parallax
