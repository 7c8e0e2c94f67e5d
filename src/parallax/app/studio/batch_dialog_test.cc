// The Batch dialog end to end with a tiny random model: Start writes every
// output and lists it; an unreadable file is listed as failed while the
// others are written; errors of the whole job show in the dialog; Cancel
// stops within a second and the dialog runs again; dropped files and
// folders join the input list; File > Batch... opens it with the window's
// model.
#include <fstream>

#include <QAction>
#include <QElapsedTimer>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include "parallax/app/studio/batch_dialog.h"
#include "parallax/app/studio/main_window.h"
#include "parallax/app/studio/studio_testing.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/tiny_model.h"

namespace parallax::studio {

namespace fs = std::filesystem;
namespace t = testing;
using Line = BatchDialog::Line;

class BatchDialogTest : public QObject {
  Q_OBJECT

 private:
  QString root_, photos_, model_;
  int outputs_ = 0;

  // A fresh output folder path (not created).
  QString NewOutput() {
    return root_ + QStringLiteral("/out%1").arg(++outputs_);
  }

  void Fill(BatchDialog& dialog, const QStringList& inputs,
            const QString& output, BatchKind kind) {
    dialog.AddInputs(inputs);
    dialog.SetOutput(output);
    dialog.SetKind(kind);
    dialog.SetModel(model_);
    dialog.SetDevice(QStringLiteral("cpu"));
  }

  static bool AnyEndsWith(const QStringList& lines, const QString& end) {
    for (const QString& line : lines) {
      if (line.endsWith(end)) return true;
    }
    return false;
  }

 private Q_SLOTS:
  void initTestCase() {
    t::IsolateSettings();
    root_ = t::TempDir() + QStringLiteral("/batch_dialog");
    photos_ = root_ + QStringLiteral("/photos");
    fs::create_directories(photos_.toStdString());
    for (int i = 0; i < 3; ++i) {
      WriteImage(
          (photos_ + QStringLiteral("/photo%1.png").arg(i)).toStdString(),
          t::TexturedImage(cv::Size(96, 64), 21 + i));
    }
    model_ = QString::fromStdString(
        parallax::testing::SaveTinyModel(
            (root_ + QStringLiteral("/tiny.plx")).toStdString(),
            {.train_width = 128, .train_height = 64})
            .string());
  }

  void startWritesAndListsEveryOutput() {
    BatchDialog dialog;
    dialog.show();
    const QString output = NewOutput();
    Fill(dialog, {photos_}, output, BatchKind::kStereo);
    QSignalSpy ended(&dialog, &BatchDialog::batchEnded);
    QTest::mouseClick(dialog.start_button(), Qt::LeftButton);
    QVERIFY(dialog.running());
    QVERIFY(!dialog.start_button()->isEnabled());
    QVERIFY(dialog.cancel_button()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 60000);
    QCOMPARE(ended.count(), 1);
    const QStringList written = dialog.lines(Line::kWritten);
    QCOMPARE(written.size(), 3);
    for (int i = 0; i < 3; ++i) {
      const QString name = QStringLiteral("photo%1_3d.png").arg(i);
      QVERIFY2(AnyEndsWith(written, name), qPrintable(written.join('\n')));
      QVERIFY(QFile::exists(output + "/" + name));
    }
    QVERIFY(dialog.lines(Line::kFailed).isEmpty());
    QVERIFY2(dialog.status_text().startsWith("Finished"),
             qPrintable(dialog.status_text()));
    QVERIFY(dialog.start_button()->isEnabled());
    QVERIFY(!dialog.cancel_button()->isEnabled());

    // Again into the same folder: refused before any work, in the dialog.
    QTest::mouseClick(dialog.start_button(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 60000);
    QVERIFY2(dialog.status_text().startsWith("error:") &&
                 dialog.status_text().contains("photo0_3d.png") &&
                 dialog.status_text().contains("Existing outputs"),
             qPrintable(dialog.status_text()));
    QVERIFY(dialog.lines(Line::kWritten).isEmpty());

    // Resume: every output is kept.
    dialog.SetExisting(ExistingOutputs::kResume);
    QTest::mouseClick(dialog.start_button(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 60000);
    QVERIFY2(dialog.status_text().startsWith("Finished"),
             qPrintable(dialog.status_text()));
    QVERIFY(dialog.lines(Line::kWritten).isEmpty());
    QCOMPARE(ended.count(), 3);
  }

  void unreadableFileFailsAloneAndTheOthersAreWritten() {
    const QString folder = root_ + QStringLiteral("/with_broken");
    fs::create_directories(folder.toStdString());
    for (int i = 0; i < 2; ++i) {
      WriteImage((folder + QStringLiteral("/good%1.png").arg(i)).toStdString(),
                 t::TexturedImage(cv::Size(96, 64), 31 + i));
    }
    std::ofstream(folder.toStdString() + "/broken.png") << "not a png at all";
    BatchDialog dialog;
    const QString output = NewOutput();
    Fill(dialog, {folder}, output, BatchKind::kDepth);
    dialog.Start();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 60000);
    const QStringList written = dialog.lines(Line::kWritten);
    QCOMPARE(written.size(), 2);
    QVERIFY(AnyEndsWith(written, "good0_disp.png"));
    QVERIFY(AnyEndsWith(written, "good1_disp.png"));
    const QStringList failed = dialog.lines(Line::kFailed);
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.front().contains("broken.png"), qPrintable(failed.front()));
    QVERIFY2(dialog.status_text().startsWith("Finished"),
             qPrintable(dialog.status_text()));
  }

  void missingInputAndModelErrorsShowInTheDialog() {
    BatchDialog dialog;
    Fill(dialog, {photos_, root_ + "/no_such_photo.png"}, NewOutput(),
         BatchKind::kFog);
    dialog.Start();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 60000);
    // The good inputs run; the missing one is listed.
    QCOMPARE(dialog.lines(Line::kWritten).size(), 3);
    QCOMPARE(dialog.lines(Line::kFailed).size(), 1);
    QVERIFY(dialog.lines(Line::kFailed).front().contains("no_such_photo"));

    BatchDialog bad_model;
    Fill(bad_model, {photos_}, NewOutput(), BatchKind::kDepth);
    bad_model.SetModel(root_ + "/missing_model.plx");
    bad_model.Start();
    QTRY_VERIFY_WITH_TIMEOUT(!bad_model.running(), 60000);
    QVERIFY2(bad_model.status_text().startsWith("error:") &&
                 bad_model.status_text().contains("missing_model.plx"),
             qPrintable(bad_model.status_text()));
    QVERIFY(bad_model.start_button()->isEnabled());
  }

  void cancelStopsWithinASecondAndRunsAgain() {
    BatchDialog dialog;
    dialog.show();
    const QString output = NewOutput();
    Fill(dialog, {photos_}, output, BatchKind::kDefocus);
    // Every step would take 20 s: the batch only ends early by cancelling.
    dialog.SetStepDelayForTesting(std::chrono::seconds(20));
    dialog.Start();
    QTest::qWait(500);  // the model loaded, inside a step
    QVERIFY(dialog.running());
    QElapsedTimer timer;
    timer.start();
    QTest::mouseClick(dialog.cancel_button(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 1000);
    qInfo("batch ended %lld ms after Cancel", timer.elapsed());
    QVERIFY(timer.elapsed() < 1000);
    QCOMPARE(dialog.status_text(),
             QStringLiteral("cancelled: finished files are kept"));
    QVERIFY(dialog.start_button()->isEnabled());
    QVERIFY(!dialog.cancel_button()->isEnabled());

    // Usable again: the same batch without the delay finishes.
    dialog.SetStepDelayForTesting(std::chrono::milliseconds(0));
    dialog.SetExisting(ExistingOutputs::kResume);
    QTest::mouseClick(dialog.start_button(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 60000);
    QVERIFY2(dialog.status_text().startsWith("Finished"),
             qPrintable(dialog.status_text()));
    QCOMPARE(dialog.lines(Line::kWritten).size(), 3);
    QVERIFY(AnyEndsWith(dialog.lines(Line::kWritten), "photo0_defocus.png"));
  }

  void closingWhileRunningCancelsOnDestruction() {
    auto dialog = std::make_unique<BatchDialog>();
    Fill(*dialog, {photos_}, NewOutput(), BatchKind::kDepth);
    dialog->SetStepDelayForTesting(std::chrono::seconds(20));
    dialog->Start();
    QTest::qWait(200);
    QElapsedTimer timer;
    timer.start();
    dialog.reset();  // cancels and joins the thread
    QVERIFY(timer.elapsed() < 2000);
  }

  // Closing the main window would cancel a running batch: it asks first,
  // and "no" keeps the window and the batch.
  void closingTheWindowAsksWhileABatchRuns() {
    MainWindow window;
    window.SetModel(model_);
    QStringList asked;
    bool answer = false;
    window.SetConfirmHook([&](const QString& question) {
      asked << question;
      return answer;
    });
    window.show();
    window.batch_action()->trigger();
    BatchDialog& dialog = *window.batch_dialog();
    Fill(dialog, {photos_}, NewOutput(), BatchKind::kDepth);
    dialog.SetStepDelayForTesting(std::chrono::seconds(20));
    dialog.Start();
    QTRY_VERIFY_WITH_TIMEOUT(dialog.running(), 1000);
    QVERIFY(!window.close());
    QCOMPARE(asked.size(), 1);
    QVERIFY(asked.front().contains("batch is still running"));
    QVERIFY(window.isVisible());
    QVERIFY(dialog.running());
    answer = true;
    QVERIFY(window.close());
    dialog.Cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.running(), 2000);
  }

  void droppedFilesAndFoldersJoinTheInputs() {
    BatchDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    BatchInputList* list = dialog.input_list();
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(photos_),
                  QUrl::fromLocalFile(photos_ + "/photo0.png")});
    const QPoint at = list->viewport()->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton,
                          Qt::NoModifier);
    QCoreApplication::sendEvent(list->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(list->viewport(), &drop);
    QCOMPARE(list->paths(),
             QStringList({photos_, photos_ + QStringLiteral("/photo0.png")}));
    // Dropped twice: listed once.
    QDropEvent again(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(list->viewport(), &again);
    QCOMPARE(list->count(), 2);
  }

  void batchMenuOpensTheDialogWithTheWindowsModel() {
    MainWindow window;
    window.SetModel(model_);
    window.show();
    QVERIFY(window.batch_action()->isEnabled());
    QCOMPARE(window.batch_action()->shortcut(), QKeySequence("Ctrl+B"));
    window.batch_action()->trigger();
    QVERIFY(window.batch_dialog() != nullptr);
    QVERIFY(window.batch_dialog()->isVisible());
    QCOMPARE(QString::fromStdString(window.batch_dialog()->request().model),
             model_);
  }
};

}  // namespace parallax::studio

QTEST_MAIN(parallax::studio::BatchDialogTest)
#include "batch_dialog_test.moc"
