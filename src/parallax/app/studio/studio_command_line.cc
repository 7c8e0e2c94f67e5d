#include "parallax/app/studio/studio_command_line.h"

#include <QCommandLineParser>

#include "parallax/app/studio/studio_info.h"

namespace parallax::studio {

ParsedCommandLine ParseStudioCommandLine(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral(
      "Parallax Studio: depth from a single image, for refocus, 2D to 3D, "
      "fog and depth maps."));
  const QCommandLineOption help = parser.addHelpOption();
  const QCommandLineOption version = parser.addVersionOption();
  const QCommandLineOption depth(
      QStringLiteral("depth"),
      QStringLiteral("Use this disparity map (pfm/npy/exr/png) for IMAGE "
                     "instead of the network."),
      QStringLiteral("FILE"));
  const QCommandLineOption model(
      QStringLiteral("model"),
      QStringLiteral("Depth model: a .plx, a Depth Anything .pth, or a name "
                     "(default: the shipped model)."),
      QStringLiteral("FILE|NAME"));
  const QCommandLineOption device(
      QStringLiteral("device"),
      QStringLiteral("cpu (default), auto, cuda or cuda:N."),
      QStringLiteral("DEVICE"));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Open IMAGE, compute its depth, grab the window into "
                     "FILE and quit (for docs and tests)."),
      QStringLiteral("FILE"));
  const QCommandLineOption view(
      QStringLiteral("view"),
      QStringLiteral("With --screenshot: depth, refocus, 3d or fog."),
      QStringLiteral("VIEW"), QStringLiteral("depth"));
  const QCommandLineOption focus(
      QStringLiteral("focus"),
      QStringLiteral("Refocus point X,Y in pixels of IMAGE (default: the "
                     "centre)."),
      QStringLiteral("X,Y"));
  parser.addOptions({depth, model, device, screenshot, view, focus});
  parser.addPositionalArgument(QStringLiteral("image"),
                               QStringLiteral("An image to open."),
                               QStringLiteral("[IMAGE]"));

  ParsedCommandLine result;
  const auto error = [&](const QString& text) {
    result.action = ParsedCommandLine::Action::kError;
    result.text = text;
    return result;
  };
  if (!parser.parse(arguments)) return error(parser.errorText());
  if (parser.isSet(help) || parser.isSet(QStringLiteral("help-all"))) {
    result.action = ParsedCommandLine::Action::kHelp;
    // Parsed before the QApplication exists, Qt cannot know the name.
    result.text = parser.helpText().replace(QStringLiteral("<executable_name>"),
                                            QStringLiteral("parallax-studio"));
    return result;
  }
  if (parser.isSet(version)) {
    result.action = ParsedCommandLine::Action::kVersion;
    result.text = VersionLine();
    return result;
  }
  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) {
    return error(
        QStringLiteral("give one image, not %1").arg(positional.size()));
  }
  StudioOptions& options = result.options;
  if (!positional.isEmpty()) options.image = positional.front();
  options.depth = parser.value(depth);
  options.model = parser.value(model);
  options.device = parser.value(device);
  options.screenshot = parser.value(screenshot);
  options.view = parser.value(view).toLower();
  if (!QStringList{"depth", "refocus", "3d", "fog"}.contains(options.view)) {
    return error(QStringLiteral("--view %1: use depth, refocus, 3d or fog")
                     .arg(options.view));
  }
  if (parser.isSet(focus)) {
    const QStringList xy = parser.value(focus).split(QLatin1Char(','));
    bool ok_x = false, ok_y = false;
    if (xy.size() == 2) {
      options.focus = QPoint(xy[0].toInt(&ok_x), xy[1].toInt(&ok_y));
    }
    if (!ok_x || !ok_y) {
      return error(QStringLiteral("--focus %1: give X,Y in pixels")
                       .arg(parser.value(focus)));
    }
  }
  if (!options.screenshot.isEmpty() && options.image.isEmpty()) {
    return error(QStringLiteral("--screenshot needs an IMAGE"));
  }
  if (!options.depth.isEmpty() && options.image.isEmpty()) {
    return error(QStringLiteral("--depth needs an IMAGE"));
  }
  return result;
}

}  // namespace parallax::studio
