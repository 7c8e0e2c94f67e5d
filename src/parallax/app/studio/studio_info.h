// The application's identity and the texts of its Help and About pages,
// kept in one place so that the pages, --version and the docs agree.
#pragma once

#include <QString>

namespace parallax::studio {

// The project version (CMake's PROJECT_VERSION), e.g. "0.1.0".
QString StudioVersion();
// "parallax-studio 0.1.0": what --version prints.
QString VersionLine();
// HTML of the Home page's introduction.
QString HomeIntroHtml();
// HTML of the Help page: each step, keyboard shortcuts, model search order.
QString HelpHtml();
// HTML of the About page: version, licence, credits.
QString AboutHtml();

}  // namespace parallax::studio
