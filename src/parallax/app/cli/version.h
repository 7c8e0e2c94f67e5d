// The Parallax version, from CMake's project(VERSION).
#pragma once

#include <string>

namespace parallax {

extern const char* const kVersion;
// "0.1.0 (LibTorch 1.13.1, OpenCV 4.6.0)" style line for --version.
std::string VersionString();

}  // namespace parallax
