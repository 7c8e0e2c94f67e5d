// SHA-256 of files and bytes (OpenSSL), as lowercase hex.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace parallax {

std::string Sha256Hex(std::string_view bytes);
// Streams the file; throws parallax::Error naming it when it cannot be read.
std::string Sha256OfFile(const std::filesystem::path& path);
// True for 64 hex digits (either case).
bool LooksLikeSha256(std::string_view text);

}  // namespace parallax
