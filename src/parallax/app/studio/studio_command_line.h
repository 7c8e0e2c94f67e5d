// parallax-studio's command line (QCommandLineParser). Parsed before the
// QApplication exists, so that --help and --version work without a display.
#pragma once

#include <optional>

#include <QPoint>
#include <QString>
#include <QStringList>

namespace parallax::studio {

struct StudioOptions {
  QString image;  // opened at start
  QString depth;  // a disparity map for it instead of the network
  QString model;  // empty = the remembered model (or the default)
  QString device;
  // Screenshot mode (docs and tests): open the image, compute or load its
  // depth, show `view` (depth, refocus, 3d, fog), grab the window into
  // this file and quit.
  QString screenshot;
  QString view = QStringLiteral("depth");
  std::optional<QPoint> focus;  // refocus point, full-resolution pixels
};

struct ParsedCommandLine {
  enum class Action { kRun, kHelp, kVersion, kError } action = Action::kRun;
  QString text;  // the help, version or error text
  StudioOptions options;
};

ParsedCommandLine ParseStudioCommandLine(const QStringList& arguments);

}  // namespace parallax::studio
