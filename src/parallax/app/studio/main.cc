// parallax-studio: the desktop application. The command line is parsed
// before the QApplication exists, so --help and --version need no display.
#include <cstdio>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

#include "parallax/app/studio/depth_worker.h"
#include "parallax/app/studio/main_window.h"
#include "parallax/app/studio/studio_command_line.h"
#include "parallax/app/studio/studio_info.h"

namespace {

using parallax::studio::MainWindow;
using parallax::studio::Stage;
using parallax::studio::StudioOptions;

// Waits for `signal` of `window` (or `fail`), at most `ms`; true on signal.
template <typename Signal, typename Fail>
bool WaitFor(MainWindow& window, Signal signal, Fail fail, int ms) {
  QEventLoop loop;
  bool ok = false;
  QObject::connect(&window, signal, &loop, [&] {
    ok = true;
    loop.quit();
  });
  QObject::connect(&window, fail, &loop, [&] { loop.quit(); });
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
  return ok;
}

// --screenshot: the documentation's pictures, and a way to time the depth
// of a photo in the app (printed as "depth: S s").
int TakeScreenshot(MainWindow& window, const StudioOptions& options) {
  window.resize(1400, 860);
  window.show();
  if (!window.OpenImage(options.image)) {
    std::fprintf(stderr, "error: %s\n", qPrintable(window.banner_text()));
    return 1;
  }
  if (!options.depth.isEmpty()) {
    if (!window.LoadDepthMap(options.depth)) {
      std::fprintf(stderr, "error: %s\n", qPrintable(window.banner_text()));
      return 1;
    }
  } else {
    QElapsedTimer timer;
    timer.start();
    window.ComputeDepth();
    if (!WaitFor(window, &MainWindow::depthReady, &MainWindow::depthFailed,
                 30 * 60 * 1000)) {
      std::fprintf(stderr, "error: %s\n", qPrintable(window.banner_text()));
      return 1;
    }
    std::printf("depth: %.2f s for %dx%d\n", timer.elapsed() / 1000.0,
                window.document().image.cols, window.document().image.rows);
  }
  const Stage stage = options.view == "refocus" ? Stage::kRefocus
                      : options.view == "3d"    ? Stage::kStereo
                      : options.view == "fog"   ? Stage::kFog
                                                : Stage::kDepth;
  window.SetStage(stage);
  if (options.focus) {
    const cv::Mat& image = window.document().image;
    if (options.focus->x() < 0 || options.focus->y() < 0 ||
        options.focus->x() >= image.cols || options.focus->y() >= image.rows) {
      std::fprintf(stderr, "error: --focus %d,%d is outside the %dx%d image\n",
                   options.focus->x(), options.focus->y(), image.cols,
                   image.rows);
      return 2;
    }
    window.SetFocusPoint(QPointF(*options.focus));
  }
  window.RenderNow();
  QApplication::processEvents();
  if (!window.grab().save(options.screenshot)) {
    std::fprintf(stderr, "error: cannot write %s\n",
                 qPrintable(options.screenshot));
    return 1;
  }
  std::printf("wrote %s\n", qPrintable(options.screenshot));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  QStringList arguments;
  for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
  const parallax::studio::ParsedCommandLine parsed =
      parallax::studio::ParseStudioCommandLine(arguments);
  using Action = parallax::studio::ParsedCommandLine::Action;
  switch (parsed.action) {
    case Action::kHelp:
      std::printf("%s", qPrintable(parsed.text));
      return 0;
    case Action::kVersion:
      std::printf("%s\n", qPrintable(parsed.text));
      return 0;
    case Action::kError:
      std::fprintf(stderr, "error: %s\n", qPrintable(parsed.text));
      return 2;  // as the CLI: 2 for bad flags
    case Action::kRun:
      break;
  }
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Parallax"));
  QApplication::setApplicationName(QStringLiteral("Parallax Studio"));
  QApplication::setApplicationVersion(parallax::studio::StudioVersion());
  qRegisterMetaType<cv::Mat>();

  const StudioOptions& options = parsed.options;
  MainWindow window;
  if (!options.model.isEmpty()) window.SetModel(options.model);
  if (!options.device.isEmpty()) window.SetDevice(options.device);
  if (!options.screenshot.isEmpty()) return TakeScreenshot(window, options);

  window.show();
  if (!options.image.isEmpty()) {
    if (!options.depth.isEmpty()) {
      QObject::connect(
          &window, &MainWindow::imageOpened, &window,
          [&window, &options](bool ok) {
            // Only onto the photo it belongs to (not one dropped meanwhile).
            if (ok && QString::fromStdString(window.document().path.string()) ==
                          QFileInfo(options.image).absoluteFilePath()) {
              window.LoadDepthMap(options.depth);
            }
          },
          Qt::SingleShotConnection);
    }
    // The window shows at once; the photo follows when it is read.
    window.OpenImageInBackground(options.image);
  }
  return app.exec();
}
