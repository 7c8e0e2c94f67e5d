#include "parallax/app/studio/recent_list.h"

namespace parallax::studio {

QStringList PushRecent(QStringList list, const QString& item, int max) {
  list.removeAll(item);
  list.prepend(item);
  while (list.size() > max) list.removeLast();
  return list;
}

}  // namespace parallax::studio
