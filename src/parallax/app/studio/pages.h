// The pages around the workspace: Home (open, recent files, what the app
// does), Help and About (texts from studio_info.h).
#pragma once

#include <QStringList>
#include <QWidget>

class QListWidget;

namespace parallax::studio {

class HomePage : public QWidget {
  Q_OBJECT

 public:
  explicit HomePage(QWidget* parent = nullptr);
  void SetRecentFiles(const QStringList& files);
  QListWidget* recent_list() const { return recent_; }

 Q_SIGNALS:
  void openRequested();
  void recentRequested(const QString& path);

 private:
  QListWidget* recent_;
};

// A page of rich text (Help, About) with links opened in the browser.
QWidget* MakeTextPage(const QString& html, QWidget* parent = nullptr);

}  // namespace parallax::studio
