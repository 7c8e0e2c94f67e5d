// Downloads against a real HTTP server on the loopback address: a good
// file, a corrupt one, a cut connection then resume, a server that ignores
// ranges, 404, a cancel, and checksum sources.
#include "parallax/fetch/http_download.h"

#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "parallax/fetch/sha256.h"
#include "parallax/testing/loopback_http_server.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;
using testing::LoopbackHttpServer;

std::string RandomBytes(size_t size, int seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

std::string FileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class HttpDownloadTest : public ::testing::Test {
 protected:
  LoopbackHttpServer server_;
  testing::TempDir dir_;
  const std::string body_ = RandomBytes(300000, 1);
};

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(LooksLikeSha256(Sha256Hex("x")));
  EXPECT_FALSE(LooksLikeSha256("abc"));
}

TEST_F(HttpDownloadTest, GoodFileCheckedAgainstTheGivenSum) {
  server_.Serve("/m.pth", {body_, "", true, -1});
  DownloadOptions options;
  options.expected_sha256 = Sha256Hex(body_);
  int64_t last_done = 0;
  options.progress = [&](int64_t done, int64_t) {
    last_done = done;
    return true;
  };
  const DownloadResult result =
      DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth", options);
  EXPECT_EQ(FileBytes(dir_ / "m.pth"), body_);
  EXPECT_EQ(result.sha256, Sha256Hex(body_));
  EXPECT_EQ(result.checked_against, "given");
  EXPECT_EQ(result.bytes, static_cast<int64_t>(body_.size()));
  EXPECT_EQ(last_done, static_cast<int64_t>(body_.size()));
  EXPECT_FALSE(fs::exists(dir_ / "m.pth.part"));
}

TEST_F(HttpDownloadTest, ServerAnnouncedSumIsUsedWhenNoneIsGiven) {
  server_.Serve("/m.pth", {body_, Sha256Hex(body_), true, -1});
  const DownloadResult result =
      DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth");
  EXPECT_EQ(result.checked_against, "server");
  EXPECT_EQ(FileBytes(dir_ / "m.pth"), body_);
}

TEST_F(HttpDownloadTest, CorruptFileIsRemovedNotInstalled) {
  std::string corrupt = body_;
  corrupt[1234] ^= 1;
  server_.Serve("/m.pth", {corrupt, "", true, -1});
  DownloadOptions options;
  options.expected_sha256 = Sha256Hex(body_);
  const std::string error = testing::ErrorOf(
      [&] { DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth", options); });
  EXPECT_NE(error.find("SHA-256 mismatch: expected " + Sha256Hex(body_)),
            std::string::npos)
      << error;
  EXPECT_FALSE(fs::exists(dir_ / "m.pth"));
  EXPECT_FALSE(fs::exists(dir_ / "m.pth.part"));
}

TEST_F(HttpDownloadTest, CutConnectionKeepsThePartAndTheNextCallResumes) {
  server_.Serve("/m.pth", {body_, Sha256Hex(body_), true, 100000});
  const std::string error = testing::ErrorOf(
      [&] { DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth"); });
  EXPECT_NE(error.find("run the same command again to resume"),
            std::string::npos)
      << error;
  EXPECT_FALSE(fs::exists(dir_ / "m.pth"));
  ASSERT_EQ(fs::file_size(dir_ / "m.pth.part"), 100000u);

  const DownloadResult result =
      DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth");
  EXPECT_EQ(result.resumed_from, 100000);
  EXPECT_EQ(FileBytes(dir_ / "m.pth"), body_);
  const std::vector<std::string> ranges = server_.ranges();
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0], "");
  EXPECT_EQ(ranges[1], "100000-");
}

TEST_F(HttpDownloadTest, ServerIgnoringTheRangeRestartsCleanly) {
  server_.Serve("/m.pth", {body_, Sha256Hex(body_), false, 50000});
  EXPECT_NE(testing::ErrorOf(
                [&] { DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth"); }),
            "no error");
  DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth");
  EXPECT_EQ(FileBytes(dir_ / "m.pth"), body_);
}

TEST_F(HttpDownloadTest, ErrorsNameTheUrlAndKeepNothing) {
  const std::string error = testing::ErrorOf(
      [&] { DownloadFile(server_.Url("/missing.pth"), dir_ / "x.pth"); });
  EXPECT_NE(error.find("/missing.pth: the server answered HTTP 404"),
            std::string::npos)
      << error;
  EXPECT_FALSE(fs::exists(dir_ / "x.pth.part"));

  server_.Serve("/m.pth", {body_, "", true, -1});
  EXPECT_NE(testing::ErrorOf([&] {
              DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth");
            }).find("no SHA-256 to check"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "m.pth"));
  DownloadOptions unverified;
  unverified.allow_unverified = true;
  EXPECT_EQ(DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth", unverified)
                .checked_against,
            "none");
  // An existing destination is never replaced.
  EXPECT_NE(testing::ErrorOf([&] {
              DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth", unverified);
            }).find("already exists"),
            std::string::npos);
}

TEST_F(HttpDownloadTest, PartLongerThanTheFileIsDropped) {
  server_.Serve("/m.pth", {body_, Sha256Hex(body_), true, -1});
  std::ofstream(dir_ / "m.pth.part", std::ios::binary)
      << RandomBytes(body_.size() + 10, 2);
  const std::string error = testing::ErrorOf(
      [&] { DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth"); });
  EXPECT_NE(error.find("did not fit"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(dir_ / "m.pth.part"));
  DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth");
  EXPECT_EQ(FileBytes(dir_ / "m.pth"), body_);
}

TEST_F(HttpDownloadTest, CancelKeepsThePart) {
  server_.Serve("/m.pth", {body_, Sha256Hex(body_), true, -1});
  DownloadOptions options;
  options.progress = [](int64_t done, int64_t) { return done < 1; };
  EXPECT_THROW(DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth", options),
               Cancelled);
  EXPECT_FALSE(fs::exists(dir_ / "m.pth"));
  EXPECT_TRUE(fs::exists(dir_ / "m.pth.part"));
  DownloadFile(server_.Url("/m.pth"), dir_ / "m.pth");
  EXPECT_EQ(FileBytes(dir_ / "m.pth"), body_);
}

}  // namespace
}  // namespace parallax
