// Errors and precondition checks.
//
// Two kinds of failure, kept apart on purpose:
//  - parallax::Error: something the user can fix (a bad file, a wrong flag).
//    Its message names the thing at fault and is printed as `error: <what>`.
//  - THROW_CHECK*: a broken precondition inside the code (a bug or misuse of
//    an API). The message carries file:line so it can be reported.
// Neither ever aborts the process: data-dependent checks never use assert().
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace parallax {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when a long job was cancelled (Ctrl-C or a progress callback).
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

namespace internal {
[[noreturn]] void ThrowCheckFailure(const char* file, int line,
                                    const char* condition,
                                    const std::string& message);
}  // namespace internal

// Formats and throws a parallax::Error: THROW_ERROR("cannot read '{}'", path).
template <typename... Args>
[[noreturn]] void ThrowError(fmt::format_string<Args...> format,
                             Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace parallax

#define THROW_CHECK(condition)                                                \
  do {                                                                        \
    if (!(condition))                                                         \
      ::parallax::internal::ThrowCheckFailure(__FILE__, __LINE__, #condition, \
                                              std::string());                 \
  } while (false)

#define THROW_CHECK_MSG(condition, ...)                                       \
  do {                                                                        \
    if (!(condition))                                                         \
      ::parallax::internal::ThrowCheckFailure(__FILE__, __LINE__, #condition, \
                                              fmt::format(__VA_ARGS__));      \
  } while (false)

#define THROW_CHECK_EQ(a, b) THROW_CHECK_MSG((a) == (b), "{} vs {}", (a), (b))
#define THROW_CHECK_GT(a, b) THROW_CHECK_MSG((a) > (b), "{} vs {}", (a), (b))
#define THROW_CHECK_GE(a, b) THROW_CHECK_MSG((a) >= (b), "{} vs {}", (a), (b))
#define THROW_CHECK_LT(a, b) THROW_CHECK_MSG((a) < (b), "{} vs {}", (a), (b))
#define THROW_CHECK_LE(a, b) THROW_CHECK_MSG((a) <= (b), "{} vs {}", (a), (b))
