// Loads and stores of fixed-width integers in a given byte order, for the
// hand-written format parsers (PNG and JPEG are big-endian, BMP, NPY and
// WebP little-endian, TIFF/MPF either). Unaligned-safe.
#pragma once

#include <cstdint>
#include <cstring>

namespace parallax::internal {

inline uint16_t LoadU16BE(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
inline uint32_t LoadU32BE(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) |
         (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}
inline uint16_t LoadU16LE(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(u[0] | (u[1] << 8));
}
inline uint32_t LoadU32LE(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} | (uint32_t{u[1]} << 8) | (uint32_t{u[2]} << 16) |
         (uint32_t{u[3]} << 24);
}
inline uint16_t LoadU16(const char* p, bool little_endian) {
  return little_endian ? LoadU16LE(p) : LoadU16BE(p);
}
inline uint32_t LoadU32(const char* p, bool little_endian) {
  return little_endian ? LoadU32LE(p) : LoadU32BE(p);
}

inline void StoreU32BE(uint32_t value, char* p) {
  p[0] = static_cast<char>(value >> 24);
  p[1] = static_cast<char>(value >> 16);
  p[2] = static_cast<char>(value >> 8);
  p[3] = static_cast<char>(value);
}

inline bool HostIsLittleEndian() {
  const uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

// Reverses the bytes of each `item_size`-byte item in place.
inline void SwapBytes(char* data, size_t count, size_t item_size) {
  for (size_t i = 0; i < count; ++i) {
    char* item = data + i * item_size;
    for (size_t a = 0, b = item_size - 1; a < b; ++a, --b) {
      const char tmp = item[a];
      item[a] = item[b];
      item[b] = tmp;
    }
  }
}

}  // namespace parallax::internal
