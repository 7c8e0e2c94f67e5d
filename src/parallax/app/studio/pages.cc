#include "parallax/app/studio/pages.h"

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "parallax/app/studio/studio_info.h"

namespace parallax::studio {

HomePage::HomePage(QWidget* parent) : QWidget(parent) {
  auto* intro = new QLabel(HomeIntroHtml());
  intro->setWordWrap(true);
  intro->setTextFormat(Qt::RichText);
  auto* open = new QPushButton(tr("Open an image..."));
  open->setMinimumHeight(36);
  recent_ = new QListWidget;
  recent_->setToolTip(tr("Double-click to open"));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addWidget(open, 0, Qt::AlignLeft);
  layout->addWidget(new QLabel(tr("<b>Recent files</b>")));
  layout->addWidget(recent_, 1);
  connect(open, &QPushButton::clicked, this, &HomePage::openRequested);
  connect(recent_, &QListWidget::itemActivated, this,
          [this](QListWidgetItem* item) {
            Q_EMIT recentRequested(item->data(Qt::UserRole).toString());
          });
}

void HomePage::SetRecentFiles(const QStringList& files) {
  recent_->clear();
  for (const QString& file : files) {
    auto* item = new QListWidgetItem(file, recent_);
    item->setData(Qt::UserRole, file);
  }
}

QWidget* MakeTextPage(const QString& html, QWidget* parent) {
  auto* browser = new QTextBrowser(parent);
  browser->setOpenExternalLinks(true);
  browser->setHtml(html);
  return browser;
}

}  // namespace parallax::studio
