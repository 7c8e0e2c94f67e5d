#include "parallax/io/image_io.h"

#include <cmath>

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "parallax/io/byte_order.h"
#include "parallax/io/image_probe.h"
#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

cv::Mat Noise(int rows, int cols, int type, double high = 255) {
  cv::Mat image(rows, cols, type);
  cv::RNG rng(5);
  rng.fill(image, cv::RNG::UNIFORM, 0, high);
  return image;
}

bool Identical(const cv::Mat& a, const cv::Mat& b) {
  return a.type() == b.type() && a.size() == b.size() &&
         cv::norm(a, b, cv::NORM_INF) == 0;
}

std::string ErrorOfRead(const fs::path& path, ReadMode mode = ReadMode::kColor8,
                        const ImageLimits& limits = {}) {
  try {
    ReadImage(path, mode, limits);
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

std::string ErrorOfWrite(const fs::path& path, const cv::Mat& image) {
  try {
    WriteImage(path, image);
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

std::string Contents(const fs::path& path) {
  const std::vector<char> bytes = ReadFileBytes(path);
  return std::string(bytes.begin(), bytes.end());
}

std::string PngChunk(const std::string& type, const std::string& data) {
  std::string chunk(4, '\0');
  internal::StoreU32BE(static_cast<uint32_t>(data.size()), chunk.data());
  chunk += type + data;
  std::string crc(4, '\0');
  internal::StoreU32BE(internal::Crc32(std::string_view(type + data)),
                       crc.data());
  return chunk + crc;
}

TEST(ImageIo, SixteenBitPngRoundTripIsExact) {
  testing::TempDir dir;
  for (const int type : {CV_16UC1, CV_16UC3, CV_16UC4}) {
    const cv::Mat image = Noise(6, 9, type, 65535);
    WriteImage(dir / "deep.png", image);
    EXPECT_TRUE(
        Identical(ReadImage(dir / "deep.png", ReadMode::kUnchanged), image));
  }
}

TEST(ImageIo, EightBitLosslessFormatsRoundTrip) {
  testing::TempDir dir;
  const cv::Mat image = Noise(6, 9, CV_8UC3);
  for (const char* file : {"a.png", "a.bmp", "a.tif"}) {
    WriteImage(dir / file, image);
    EXPECT_TRUE(Identical(ReadImage(dir / file), image)) << file;
  }
  ImageWriteOptions lossless;
  lossless.webp_quality = 101;  // above 100 = lossless in OpenCV
  WriteImage(dir / "a.webp", image, lossless);
  EXPECT_TRUE(Identical(ReadImage(dir / "a.webp"), image));
  // JPEG is lossy: smooth content comes back close.
  cv::Mat smooth(32, 32, CV_8UC3, cv::Scalar(40, 120, 200));
  WriteImage(dir / "a.jpg", smooth);
  EXPECT_LT(cv::norm(ReadImage(dir / "a.jpg"), smooth, cv::NORM_INF), 4);
  // Nothing but the outputs: the atomic writer left no temporary files.
  int files = 0;
  for ([[maybe_unused]] const auto& entry :
       fs::directory_iterator(dir.path())) {
    ++files;
  }
  EXPECT_EQ(files, 5);
}

TEST(ImageIo, ProgressiveJpegIsNotMistakenForTruncated) {
  // Progressive files put table segments between scans: the end-marker
  // search must step over them.
  testing::TempDir dir;
  const cv::Mat image = Noise(40, 60, CV_8UC3);
  std::vector<uchar> buffer;
  ASSERT_TRUE(
      cv::imencode(".jpg", image, buffer, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
  const std::string bytes(buffer.begin(), buffer.end());
  WriteFileAtomic(dir / "p.jpg", bytes);
  EXPECT_EQ(ReadImage(dir / "p.jpg").size(), image.size());
  WriteFileAtomic(dir / "cut.jpg", bytes.substr(0, bytes.size() - 2));
  EXPECT_NE(ErrorOfRead(dir / "cut.jpg").find("truncated"), std::string::npos);
}

TEST(ImageIo, Color8ConvertsGrayDeepAndAlpha) {
  testing::TempDir dir;
  WriteImage(dir / "gray.png", cv::Mat(2, 3, CV_8UC1, cv::Scalar(77)));
  const cv::Mat gray = ReadImage(dir / "gray.png");
  ASSERT_EQ(gray.type(), CV_8UC3);
  EXPECT_EQ(gray.at<cv::Vec3b>(1, 2), cv::Vec3b(77, 77, 77));

  cv::Mat deep(1, 3, CV_16UC3);
  deep.at<cv::Vec3w>(0, 0) = {65535, 257, 0};
  deep.at<cv::Vec3w>(0, 1) = {514, 0, 65535};
  WriteImage(dir / "deep.png", deep);
  const cv::Mat scaled = ReadImage(dir / "deep.png");
  ASSERT_EQ(scaled.type(), CV_8UC3);
  EXPECT_EQ(scaled.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 1, 0));
  EXPECT_EQ(scaled.at<cv::Vec3b>(0, 1), cv::Vec3b(2, 0, 255));

  WriteImage(dir / "rgba.png", cv::Mat(2, 2, CV_8UC4, cv::Scalar(1, 2, 3, 4)));
  const cv::Mat bgr = ReadImage(dir / "rgba.png");
  ASSERT_EQ(bgr.type(), CV_8UC3);
  EXPECT_EQ(bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(1, 2, 3));

  WriteImage(dir / "map.pfm", cv::Mat(2, 2, CV_32FC1, cv::Scalar(1.5)));
  EXPECT_NE(ErrorOfRead(dir / "map.pfm").find("float map"), std::string::npos);
}

TEST(ImageIo, Float1ReadsMapsAsValues) {
  testing::TempDir dir;
  WriteImage(dir / "gt.png", cv::Mat(2, 2, CV_8UC1, cv::Scalar(200)));
  const cv::Mat gt = ReadImage(dir / "gt.png", ReadMode::kFloat1);
  ASSERT_EQ(gt.type(), CV_32FC1);
  EXPECT_EQ(gt.at<float>(1, 1), 200.0f);

  WriteImage(dir / "d.npy", cv::Mat(2, 2, CV_64FC1, cv::Scalar(0.125)));
  const cv::Mat d = ReadImage(dir / "d.npy", ReadMode::kFloat1);
  ASSERT_EQ(d.type(), CV_32FC1);
  EXPECT_EQ(d.at<float>(0, 1), 0.125f);

  // Three equal channels are one map; three different ones are not.
  WriteImage(dir / "same.pfm", cv::Mat(2, 2, CV_32FC3, cv::Scalar(3, 3, 3)));
  EXPECT_EQ(ReadImage(dir / "same.pfm", ReadMode::kFloat1).at<float>(0, 0), 3);
  WriteImage(dir / "diff.pfm", cv::Mat(2, 2, CV_32FC3, cv::Scalar(1, 2, 3)));
  EXPECT_NE(ErrorOfRead(dir / "diff.pfm", ReadMode::kFloat1).find("channels"),
            std::string::npos);
}

TEST(ImageIo, TruncatedAndCorruptFilesThrowNamingTheFile) {
  testing::TempDir dir;
  const cv::Mat image = Noise(64, 64, CV_8UC3);
  WriteImage(dir / "full.png", image);
  WriteImage(dir / "full.jpg", image);
  const std::string png = Contents(dir / "full.png");
  const std::string jpeg = Contents(dir / "full.jpg");
  std::string corrupt = png;
  for (size_t i = png.size() / 2; i < png.size() / 2 + 64; ++i)
    corrupt[i] ^= 0x5A;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"cut.png", png.substr(0, png.size() * 2 / 3)},
      {"cut.jpg", jpeg.substr(0, jpeg.size() * 2 / 3)},
      {"corrupt.png", corrupt},
      {"junk.jpg", "\xFF\xD8\xFF garbage"},
      {"junk.tif", "II*\0 garbage garbage garbage"},
  };
  for (const auto& [file, bytes] : files) {
    WriteFileAtomic(dir / file, bytes);
    const std::string error = ErrorOfRead(dir / file);
    EXPECT_NE(error.find((dir / file).string()), std::string::npos)
        << file << ": " << error;
  }
  EXPECT_NE(ErrorOfRead(dir / "cut.png").find("truncated"), std::string::npos);
  EXPECT_NE(ErrorOfRead(dir / "cut.jpg").find("truncated"), std::string::npos);
  EXPECT_NE(ErrorOfRead(dir / "nothing.png").find("no such file"),
            std::string::npos);
}

TEST(ImageIo, DecompressionBombIsRejectedBeforeDecoding) {
  testing::TempDir dir;
  // 100000 x 100000 RGB claimed by a 60-byte file.
  std::string ihdr(13, '\0');
  internal::StoreU32BE(100000, ihdr.data());
  internal::StoreU32BE(100000, ihdr.data() + 4);
  ihdr[8] = 8;  // bit depth
  ihdr[9] = 2;  // RGB
  const std::string bomb =
      std::string("\x89PNG\r\n\x1a\n") + PngChunk("IHDR", ihdr) +
      PngChunk("IDAT", std::string("\x78\x9c\x03\x00", 4)) +
      PngChunk("IEND", "");
  WriteFileAtomic(dir / "bomb.png", bomb);
  const ImageInfo info = ProbeImage(dir / "bomb.png");
  EXPECT_EQ(info.width, 100000);
  EXPECT_EQ(info.height, 100000);
  EXPECT_NE(
      ErrorOfRead(dir / "bomb.png").find("image too large (100000x100000)"),
      std::string::npos);
  // Small limits apply to ordinary files too.
  WriteImage(dir / "small.png", Noise(20, 20, CV_8UC3));
  ImageLimits limits;
  limits.max_pixels = 399;
  EXPECT_NE(ErrorOfRead(dir / "small.png", ReadMode::kColor8, limits)
                .find("too large (20x20)"),
            std::string::npos);
  limits = {};
  limits.max_side = 19;
  EXPECT_NE(ErrorOfRead(dir / "small.png", ReadMode::kColor8, limits)
                .find("too large"),
            std::string::npos);
}

TEST(ImageIo, ExrRoundTripsOrSaysItIsUnsupported) {
  testing::TempDir dir;
  const cv::Mat image = Noise(5, 7, CV_32FC1, 100);
  if (ExrSupported()) {
    WriteImage(dir / "d.exr", image);
    EXPECT_TRUE(Identical(ReadImage(dir / "d.exr", ReadMode::kFloat1), image));
    EXPECT_EQ(ProbeImage(dir / "d.exr").format, "exr");
  } else {
    EXPECT_NE(ErrorOfWrite(dir / "d.exr", image)
                  .find("EXR is not supported by this OpenCV build"),
              std::string::npos);
  }
}

TEST(ImageIo, ExrHalfKeepsElevenBitsInASmallerFile) {
  if (!ExrSupported()) GTEST_SKIP() << "no EXR in this OpenCV build";
  testing::TempDir dir;
  const cv::Mat image = Noise(40, 60, CV_32FC4, 100) - cv::Scalar::all(50);
  ImageWriteOptions half;
  half.exr_half = true;
  WriteImage(dir / "half.exr", image, half);
  WriteImage(dir / "full.exr", image);
  const cv::Mat back =
      cv::imread((dir / "half.exr").string(), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(back.type(), CV_32FC4);
  double worst = 0;
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      for (int c = 0; c < 4; ++c) {
        const float a = image.at<cv::Vec4f>(y, x)[c];
        const float b = back.at<cv::Vec4f>(y, x)[c];
        worst = std::max(worst,
                         double(std::abs(a - b) / std::max(std::abs(a), 1.0f)));
      }
    }
  }
  EXPECT_LT(worst, 1.0 / 1024);  // half: 11 significant bits
  EXPECT_GT(worst, 0);           // and not stored as float
  EXPECT_LT(std::filesystem::file_size(dir / "half.exr"),
            std::filesystem::file_size(dir / "full.exr"));
  // PIZ: lossless too.
  ImageWriteOptions piz = half;
  piz.exr_compression = ImageWriteOptions::ExrCompression::kPiz;
  WriteImage(dir / "piz.exr", image, piz);
  const cv::Mat piz_back =
      cv::imread((dir / "piz.exr").string(), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(cv::norm(piz_back, back, cv::NORM_INF), 0);
}

// VFX plates are float RGB in linear light: read for the networks as a
// display shows them (clipped, sRGB-encoded), not refused as "a float map".
TEST(ImageIo, FloatRgbPlatesAreLinearLightEncodedAsSrgb) {
  testing::TempDir dir;
  cv::Mat plate(2, 3, CV_32FC3);
  plate.at<cv::Vec3f>(0, 0) = {0.0f, 0.18f, 1.0f};
  plate.at<cv::Vec3f>(0, 1) = {4.0f, -1.0f, 0.0031308f};
  plate.at<cv::Vec3f>(0, 2) = {std::nanf(""), 0.5f, 0.0f};
  plate.row(1).setTo(cv::Scalar(0.214f, 0.214f, 0.214f));
  WriteImage(dir / "p.pfm", plate);  // float RGB without needing OpenEXR
  const cv::Mat bgr = ReadImage(dir / "p.pfm", ReadMode::kColor8);
  ASSERT_EQ(bgr.type(), CV_8UC3);
  EXPECT_EQ(bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 118, 255));  // 18 % grey
  EXPECT_EQ(bgr.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 0, 10));   // clipped
  EXPECT_EQ(bgr.at<cv::Vec3b>(0, 2)[0], 0);                    // NaN -> 0
  EXPECT_NEAR(bgr.at<cv::Vec3b>(1, 0)[1], 127.5, 1);  // sRGB(0.214) = 0.5
  // A one-channel float file is a map, still refused as a photo.
  WriteImage(dir / "m.pfm", cv::Mat(2, 2, CV_32FC1, cv::Scalar(3)));
  EXPECT_THROW(ReadImage(dir / "m.pfm", ReadMode::kColor8), Error);
}

TEST(ImageIo, WriteRejectsDepthsAndChannelsAFormatCannotHold) {
  testing::TempDir dir;
  EXPECT_NE(ErrorOfWrite(dir / "a.png", cv::Mat(2, 2, CV_32FC1))
                .find("PNG takes CV_8U or CV_16U"),
            std::string::npos);
  EXPECT_NE(ErrorOfWrite(dir / "a.jpg", cv::Mat(2, 2, CV_16UC3))
                .find("JPEG takes CV_8U"),
            std::string::npos);
  EXPECT_NE(ErrorOfWrite(dir / "a.png", cv::Mat(2, 2, CV_8UC2))
                .find("1, 3 or 4 channels"),
            std::string::npos);
  EXPECT_NE(ErrorOfWrite(dir / "a.pfm", cv::Mat(2, 2, CV_8UC1)).find("PFM"),
            std::string::npos);
  EXPECT_NE(ErrorOfWrite(dir / "a.xyz", cv::Mat(2, 2, CV_8UC1))
                .find("unknown image format"),
            std::string::npos);
  EXPECT_NE(ErrorOfWrite(dir / "a.png", cv::Mat()).find("empty"),
            std::string::npos);
  EXPECT_NE(ErrorOfWrite(dir / "no" / "a.png", cv::Mat(2, 2, CV_8UC1))
                .find("does not exist"),
            std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ImageIo, ExtensionsAndImageFiles) {
  EXPECT_EQ(ImageExtension("photo.JPG"), "jpg");
  EXPECT_EQ(ImageExtension("dir.v2/noext"), "");
  EXPECT_TRUE(IsImageFile("a/b.Png"));
  EXPECT_TRUE(IsImageFile("d.pfm"));
  EXPECT_TRUE(IsImageFile("d.npy"));
  EXPECT_FALSE(IsImageFile("pair.mpo"));
  EXPECT_FALSE(IsImageFile("README.txt"));
}

}  // namespace
}  // namespace parallax
