# Every dependency is a Debian package (see scripts/setup). LibTorch may also be
# an official 2.x distribution given with -DCMAKE_PREFIX_PATH=/path/to/libtorch.

# Debian's libtorch-dev 1.13.1 reports version 1.13.0: ask for no exact version.
find_package(Torch REQUIRED)
find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs video ximgproc
             calib3d quality)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)  # CRC-32 of PyTorch checkpoint records
find_package(CURL REQUIRED)  # parallax models fetch
find_package(OpenSSL REQUIRED)  # SHA-256 of model files

# FFmpeg libraries for video; only src/parallax/io links them.
find_package(PkgConfig REQUIRED)
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET
  libavformat libavcodec libavutil libswscale libswresample)
# libdeflate: PNG writing (io/png_encoder.cc), several times faster than zlib.
pkg_check_modules(DEFLATE REQUIRED IMPORTED_TARGET libdeflate)

if(PARALLAX_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(PARALLAX_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()

set(PARALLAX_MALLOC_LIBS "")
if(PARALLAX_USE_TCMALLOC)
  find_library(TCMALLOC_MINIMAL_LIB NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(TCMALLOC_MINIMAL_LIB)
    set(PARALLAX_MALLOC_LIBS ${TCMALLOC_MINIMAL_LIB})
    message(STATUS "Parallax: linking tcmalloc (${TCMALLOC_MINIMAL_LIB})")
  else()
    message(WARNING "Parallax: tcmalloc not found; training will be slower (install libgoogle-perftools-dev)")
  endif()
endif()

# LibTorch's exported targets carry its own compile flags; keep them, and
# treat its headers as system headers so -Wall -Wextra stays about our code.
add_library(parallax_torch INTERFACE)
target_link_libraries(parallax_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(parallax_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
