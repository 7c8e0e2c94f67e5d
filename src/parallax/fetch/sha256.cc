#include "parallax/fetch/sha256.h"

#include <fstream>
#include <memory>
#include <vector>

#include <openssl/evp.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

class Digest {
 public:
  Digest() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    THROW_CHECK(context_ &&
                EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) == 1);
  }
  void Update(const char* data, size_t size) {
    THROW_CHECK(EVP_DigestUpdate(context_.get(), data, size) == 1);
  }
  std::string Hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    THROW_CHECK(EVP_DigestFinal_ex(context_.get(), digest, &length) == 1);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
      out += kHex[digest[i] >> 4];
      out += kHex[digest[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context_;
};

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  Digest digest;
  digest.Update(bytes.data(), bytes.size());
  return digest.Hex();
}

std::string Sha256OfFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowError("{}: cannot be read", path.string());
  Digest digest;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    digest.Update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) ThrowError("{}: read error", path.string());
  return digest.Hex();
}

bool LooksLikeSha256(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace parallax
