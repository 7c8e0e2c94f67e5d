// A batch writes what the command line writes: each job over a folder of
// small photos with a tiny random model, through RunBatch and through
// `parallax depth|stereo|defocus|fog IN -o OUT --model M --device cpu`
// (in-process), gives the same file names with the same bytes.
#include <fstream>
#include <iterator>
#include <map>

#include <fmt/format.h>
#include <QTest>

#include "parallax/app/cli/commands.h"
#include "parallax/app/studio/batch_job.h"
#include "parallax/app/studio/studio_testing.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/tiny_model.h"

namespace parallax::studio {

namespace fs = std::filesystem;
namespace t = testing;

namespace {

// Relative path -> contents, for every file under `root`.
std::map<std::string, std::string> FilesUnder(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files[fs::relative(entry.path(), root).generic_string()] =
        std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

}  // namespace

class BatchJobTest : public QObject {
  Q_OBJECT

 private:
  fs::path root_, photos_, model_;

  // RunBatch and the command `name` on the photo folder, both into fresh
  // folders: the same names, the same bytes, `count` files.
  void CompareWithCli(BatchKind kind, int (*command)(int, char**),
                      const std::string& name, size_t count = 3) {
    const fs::path batch_out = root_ / (name + "_batch");
    const fs::path cli_out = root_ / (name + "_cli");
    BatchRequest request;
    request.kind = kind;
    request.inputs = {photos_.string()};
    request.output = batch_out;
    request.model = model_.string();
    request.device = "cpu";
    const BatchResult result = RunBatch(request, JobControl{});
    QVERIFY2(result.status == BatchResult::Status::kFinished,
             result.error.c_str());
    QVERIFY(result.failures.empty());

    QCOMPARE(parallax::testing::RunCommandLine(
                 command,
                 {photos_.string(), "-o", cli_out.string(), "--model",
                  model_.string(), "--device", "cpu", "--quiet"},
                 "parallax-" + name),
             0);

    const auto batch_files = FilesUnder(batch_out);
    const auto cli_files = FilesUnder(cli_out);
    QCOMPARE(batch_files.size(), count);
    QCOMPARE(cli_files.size(), count);
    for (const auto& [file, bytes] : cli_files) {
      const auto it = batch_files.find(file);
      QVERIFY2(it != batch_files.end(),
               fmt::format("{}: the batch did not write it", file).c_str());
      QVERIFY2(it->second == bytes,
               fmt::format("{}/{}: the bytes differ from the command line's",
                           name, file)
                   .c_str());
    }
  }

 private Q_SLOTS:
  void initTestCase() {
    t::IsolateSettings();
    root_ = fs::path(t::TempDir().toStdString()) / "batch_job";
    photos_ = root_ / "photos";
    fs::create_directories(photos_);
    for (int i = 0; i < 3; ++i) {
      WriteImage(photos_ / fmt::format("photo{}.png", i),
                 t::TexturedImage(cv::Size(96, 64), 11 + i));
    }
    model_ = parallax::testing::SaveTinyModel(
        root_ / "tiny.plx", {.train_width = 128, .train_height = 64});
  }

  void stereoMatchesTheCli() {
    CompareWithCli(BatchKind::kStereo, RunStereo, "stereo");
  }
  void depthMatchesTheCli() {
    CompareWithCli(BatchKind::kDepth, RunDepth, "depth");
  }
  void defocusMatchesTheCli() {
    CompareWithCli(BatchKind::kDefocus, RunDefocus, "defocus");
  }
  void fogMatchesTheCli() { CompareWithCli(BatchKind::kFog, RunFog, "fog"); }

  void errorsOfTheWholeJobAreReturned() {
    BatchRequest request;
    request.kind = BatchKind::kDepth;
    request.inputs = {(root_ / "missing").string()};
    request.output = root_ / "nothing";
    request.model = model_.string();
    request.device = "cpu";
    const BatchResult result = RunBatch(request, JobControl{});
    QVERIFY(result.status == BatchResult::Status::kFailed);
    QVERIFY2(result.error.find("missing") != std::string::npos,
             result.error.c_str());
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::BatchJobTest)
#include "batch_job_test.moc"
