// Small string helpers used by the CLI and file scanners.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parallax {

std::vector<std::string> Split(std::string_view text, char separator);
std::string ToLower(std::string_view text);
bool EndsWith(std::string_view text, std::string_view suffix);
// "512x256" -> {512, 256}; throws parallax::Error mentioning `what`.
std::pair<int, int> ParseSize(std::string_view text, std::string_view what);
// Parses a double/int fully; throws parallax::Error mentioning `what`.
double ParseDouble(std::string_view text, std::string_view what);
int64_t ParseInt(std::string_view text, std::string_view what);

}  // namespace parallax
