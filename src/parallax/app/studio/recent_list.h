// Most-recently-used lists (recent files, recent models) as kept in
// QSettings: newest first, no duplicates, bounded.
#pragma once

#include <QString>
#include <QStringList>

namespace parallax::studio {

inline constexpr int kMaxRecent = 10;

// `list` with `item` moved (or added) to the front, at most `max` long.
QStringList PushRecent(QStringList list, const QString& item,
                       int max = kMaxRecent);

}  // namespace parallax::studio
