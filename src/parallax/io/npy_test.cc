#include "parallax/io/npy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

bool Identical(const cv::Mat& a, const cv::Mat& b) {
  return a.type() == b.type() && a.size() == b.size() &&
         cv::norm(a, b, cv::NORM_INF) == 0;
}

// A version 1.0 (or 2.0/3.0) file with `dict` as its header, unpadded.
std::string NpyFile(const std::string& dict, const std::string& data,
                    int major = 1) {
  std::string bytes = "\x93NUMPY";
  bytes.push_back(static_cast<char>(major));
  bytes.push_back('\0');
  const size_t length = dict.size();
  bytes.push_back(static_cast<char>(length & 0xFF));
  bytes.push_back(static_cast<char>((length >> 8) & 0xFF));
  if (major > 1) bytes.append(2, '\0');
  return bytes + dict + data;
}

template <typename T>
std::string RawBytes(std::initializer_list<T> values, bool big_endian) {
  std::string bytes;
  for (const T value : values) {
    char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    if (big_endian) std::reverse(raw, raw + sizeof(T));
    bytes.append(raw, sizeof(T));
  }
  return bytes;
}

TEST(Npy, RoundTripsEveryDtypeAndChannelCount) {
  cv::RNG rng(3);
  for (const int depth : {CV_8U, CV_16U, CV_32F, CV_64F}) {
    for (const int channels : {1, 2, 3, 4}) {
      cv::Mat image(5, 6, CV_MAKETYPE(depth, channels));
      rng.fill(image, cv::RNG::UNIFORM, 0, 250);
      const std::string bytes = EncodeNpy(image);
      // Data starts 64-byte aligned, like NumPy writes it.
      const size_t header = 10 + (uint8_t(bytes[8]) | uint8_t(bytes[9]) << 8);
      EXPECT_EQ(header % 64, 0u);
      EXPECT_EQ(bytes[header - 1], '\n');
      EXPECT_TRUE(Identical(DecodeNpy(bytes, "x.npy"), image))
          << cv::typeToString(image.type());
    }
  }
}

TEST(Npy, ReadsHandBuiltLittleEndianFloat32) {
  const std::string bytes =
      NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n",
              RawBytes<float>({1, 2, 3, 4, 5, 6}, false));
  const cv::Mat image = DecodeNpy(bytes, "hand.npy");
  ASSERT_EQ(image.type(), CV_32FC1);
  ASSERT_EQ(image.size(), cv::Size(3, 2));
  EXPECT_EQ(image.at<float>(0, 2), 3);  // C order: rows first
  EXPECT_EQ(image.at<float>(1, 0), 4);
}

TEST(Npy, ReadsBigEndianDtypes) {
  const cv::Mat f4 = DecodeNpy(
      NpyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2)}",
              RawBytes<float>({1.5f, -7}, true)),
      "be.npy");
  EXPECT_EQ(f4.at<float>(0, 1), -7);
  const cv::Mat f8 = DecodeNpy(
      NpyFile("{'descr': '>f8', 'fortran_order': False, 'shape': (1, 1)}",
              RawBytes<double>({0.25}, true)),
      "be.npy");
  EXPECT_EQ(f8.type(), CV_64FC1);
  EXPECT_EQ(f8.at<double>(0, 0), 0.25);
  const cv::Mat u2 = DecodeNpy(
      NpyFile("{'descr': '>u2', 'fortran_order': False, 'shape': (1, 1)}",
              RawBytes<uint16_t>({0x1234}, true)),
      "be.npy");
  EXPECT_EQ(u2.at<uint16_t>(0, 0), 0x1234);
  for (const char* descr : {"|u1", "<u1"}) {
    const cv::Mat u1 = DecodeNpy(
        NpyFile(fmt::format("{{'descr': '{}', 'fortran_order': False, "
                            "'shape': (1, 2)}}",
                            descr),
                "\x05\xff"),
        "u1.npy");
    EXPECT_EQ(u1.at<uint8_t>(0, 1), 255);
  }
}

TEST(Npy, AcceptsVersion2And3AndSingleChannelShapes) {
  for (const int major : {2, 3}) {
    const cv::Mat image = DecodeNpy(
        NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 5)}",
                RawBytes<float>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, false), major),
        "v.npy");
    // (1, H, W) is a single-channel map.
    EXPECT_EQ(image.type(), CV_32FC1);
    EXPECT_EQ(image.size(), cv::Size(5, 2));
    EXPECT_EQ(image.at<float>(1, 0), 6);
  }
  const cv::Mat hw1 = DecodeNpy(
      NpyFile("{'shape': (2, 3, 1), 'fortran_order': False, 'descr': '<f4'}",
              RawBytes<float>({1, 2, 3, 4, 5, 6}, false)),
      "hw1.npy");
  EXPECT_EQ(hw1.type(), CV_32FC1);
  EXPECT_EQ(hw1.at<float>(1, 2), 6);
}

TEST(Npy, RejectsFortranOrderUnsupportedDtypesAndShapes) {
  const auto error_of = [](const std::string& dict, const std::string& data) {
    try {
      DecodeNpy(NpyFile(dict, data), "bad.npy");
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("{'descr': '<f4', 'fortran_order': True, 'shape': (2, "
                     "2)}",
                     std::string(16, '\0'))
                .find("Fortran"),
            std::string::npos);
  EXPECT_NE(
      error_of("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1)}",
               std::string(4, '\0'))
          .find("unsupported NPY dtype '<i4'"),
      std::string::npos);
  EXPECT_NE(error_of("{'descr': '<f4', 'fortran_order': False, 'shape': (4,)}",
                     std::string(16, '\0'))
                .find("unsupported NPY shape"),
            std::string::npos);
  EXPECT_NE(error_of("{'descr': '<f4', 'fortran_order': False, 'shape': (2, "
                     "2, 2, 2)}",
                     std::string(64, '\0'))
                .find("unsupported NPY shape"),
            std::string::npos);
  EXPECT_NE(error_of("{'descr': '<f4', 'fortran_order': False, 'shape': (2, "
                     "2)}",
                     std::string(15, '\0'))
                .find("truncated"),
            std::string::npos);
  EXPECT_THROW(DecodeNpy(std::string("\x93NUMPY\x01"), "short.npy"), Error);
  EXPECT_THROW(DecodeNpy(std::string("not numpy at all"), "junk.npy"), Error);
}

TEST(Npy, FilesAndErrorsNameThePath) {
  testing::TempDir dir;
  const cv::Mat image(2, 2, CV_32FC1, cv::Scalar(4.5));
  WriteNpy(dir / "a.npy", image);
  EXPECT_TRUE(Identical(ReadNpy(dir / "a.npy"), image));
  std::string bytes = EncodeNpy(image);
  bytes.pop_back();
  WriteFileAtomic(dir / "cut.npy", bytes);
  try {
    ReadNpy(dir / "cut.npy");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find((dir / "cut.npy").string()),
              std::string::npos);
  }
  EXPECT_THROW(WriteNpy(dir / "b.npy", cv::Mat(2, 2, CV_32SC1)), Error);
}

// Every cv::Mat allocation while installed goes through this: it records the
// largest and refuses anything over 64 MiB instead of allocating it.
class LargestMatAllocation : public cv::MatAllocator {
 public:
  LargestMatAllocation() { cv::Mat::setDefaultAllocator(this); }
  ~LargestMatAllocation() override { cv::Mat::setDefaultAllocator(nullptr); }

  cv::UMatData* allocate(int dims, const int* sizes, int type, void* data,
                         size_t* step, cv::AccessFlag flags,
                         cv::UMatUsageFlags usage) const override {
    size_t bytes = CV_ELEM_SIZE(type);
    for (int i = 0; i < dims; ++i) bytes *= static_cast<size_t>(sizes[i]);
    largest = std::max(largest, bytes);
    if (bytes > (size_t{64} << 20)) throw std::bad_alloc();
    return cv::Mat::getStdAllocator()->allocate(dims, sizes, type, data, step,
                                                flags, usage);
  }
  bool allocate(cv::UMatData* data, cv::AccessFlag flags,
                cv::UMatUsageFlags usage) const override {
    return cv::Mat::getStdAllocator()->allocate(data, flags, usage);
  }
  void deallocate(cv::UMatData* data) const override {
    cv::Mat::getStdAllocator()->deallocate(data);
  }

  mutable size_t largest = 0;
};

// Found while writing fuzz/npy_fuzzer (its replay runs out of memory):
// DecodeNpy allocated the Mat the header describes before checking that the
// file holds its data, so a 128-byte file claiming (16384, 16384, 4) float64
// allocated 8 GiB.
TEST(Npy, ChecksTheDataSizeBeforeAllocating) {
  const std::string bomb = NpyFile(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (16384, 16384, 4), }",
      "");
  LargestMatAllocation allocator;
  try {
    DecodeNpy(bomb, "bomb.npy");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("truncated NPY"),
              std::string::npos)
        << error.what();
  }
  EXPECT_EQ(allocator.largest, 0u);
  // A file that does hold its data still decodes through the same path.
  const cv::Mat image(3, 2, CV_64FC4, cv::Scalar(1, 2, 3, 4));
  EXPECT_TRUE(Identical(DecodeNpy(EncodeNpy(image), "ok.npy"), image));
  EXPECT_GT(allocator.largest, 0u);
}

}  // namespace
}  // namespace parallax
