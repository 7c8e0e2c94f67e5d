// The built parallax-studio binary: --help and --version exit 0 with the
// expected text on the offscreen platform; a bad flag exits 2. And the
// parser's handling of the studio's own options.
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

#include "parallax/app/studio/studio_command_line.h"
#include "parallax/app/studio/studio_info.h"

namespace parallax::studio {

class CommandLineTest : public QObject {
  Q_OBJECT

 private:
  struct Run {
    int exit_code = -1;
    QString out, err;
  };

  static Run RunStudio(const QStringList& arguments) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("PARALLAX_STUDIO_BIN"), arguments);
    Run run;
    if (!process.waitForFinished(30000)) return run;
    run.exit_code =
        process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY2(!qEnvironmentVariable("PARALLAX_STUDIO_BIN").isEmpty(),
             "run through CTest, which sets PARALLAX_STUDIO_BIN");
  }

  void helpExitsZero() {
    const Run run = RunStudio({"--help"});
    QCOMPARE(run.exit_code, 0);
    QVERIFY(run.out.contains("Usage: parallax-studio [options] [IMAGE]"));
    QVERIFY(run.out.contains("--screenshot"));
    QVERIFY(run.out.contains("--model"));
    QVERIFY(run.out.contains("Parallax Studio"));
  }

  void versionExitsZero() {
    const Run run = RunStudio({"--version"});
    QCOMPARE(run.exit_code, 0);
    QCOMPARE(run.out.trimmed(), "parallax-studio " + StudioVersion());
    QVERIFY(QRegularExpression("^\\d+\\.\\d+\\.\\d+$")
                .match(StudioVersion())
                .hasMatch());
  }

  void badFlagExitsTwo() {
    const Run run = RunStudio({"--no-such-flag"});
    QCOMPARE(run.exit_code, 2);
    QVERIFY(run.err.contains("no-such-flag"));
  }

  void screenshotWithAGivenDepthMap() {
    // End to end through main(): open, load depth, refocus view, grab.
    // (The docs' screenshots run the network: scripts/studio_screenshots.)
    const Run missing =
        RunStudio({"--screenshot", "/tmp/x.png", "/nonexistent/photo.png",
                   "--depth", "/nonexistent/depth.pfm"});
    QCOMPARE(missing.exit_code, 1);
    QVERIFY(missing.err.contains("no such file"));
  }

  void parsesTheStudioOptions() {
    ParsedCommandLine parsed = ParseStudioCommandLine(
        {"parallax-studio", "--view", "3D", "--focus", "12,34", "--model",
         "depth-anything-v2-small", "photo.jpg"});
    QVERIFY(parsed.action == ParsedCommandLine::Action::kRun);
    QCOMPARE(parsed.options.image, "photo.jpg");
    QCOMPARE(parsed.options.view, "3d");
    QCOMPARE(parsed.options.focus.value(), QPoint(12, 34));
    QCOMPARE(parsed.options.model, "depth-anything-v2-small");

    parsed = ParseStudioCommandLine({"parallax-studio", "--focus", "12"});
    QVERIFY(parsed.action == ParsedCommandLine::Action::kError);
    QVERIFY(parsed.text.contains("--focus"));
    parsed = ParseStudioCommandLine({"parallax-studio", "--view", "side"});
    QVERIFY(parsed.action == ParsedCommandLine::Action::kError);
    parsed =
        ParseStudioCommandLine({"parallax-studio", "--screenshot", "out.png"});
    QVERIFY(parsed.action == ParsedCommandLine::Action::kError);
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::CommandLineTest)
#include "command_line_test.moc"
