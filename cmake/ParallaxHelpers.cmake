# COLMAP-style helpers: one small library per folder, one CTest per test file,
# benchmarks next to the code.

set(PARALLAX_WARNING_FLAGS -Wall -Wextra)

# A precompiled <torch/torch.h> shared by every torch-using library: the header
# costs ~8 s and 1 GB per translation unit on this machine.
function(parallax_torch_pch_target)
  if(TARGET parallax_torch_pch OR NOT PARALLAX_TORCH_PCH)
    return()
  endif()
  file(WRITE ${PROJECT_BINARY_DIR}/parallax_torch_pch.cc "// PCH anchor\n")
  add_library(parallax_torch_pch STATIC ${PROJECT_BINARY_DIR}/parallax_torch_pch.cc)
  target_link_libraries(parallax_torch_pch PUBLIC parallax_torch)
  target_compile_options(parallax_torch_pch PRIVATE ${PARALLAX_WARNING_FLAGS})
  target_precompile_headers(parallax_torch_pch PRIVATE <torch/torch.h>)
endfunction()

function(_parallax_use_torch_pch TARGET)
  if(PARALLAX_TORCH_PCH)
    parallax_torch_pch_target()
    target_precompile_headers(${TARGET} REUSE_FROM parallax_torch_pch)
    # The header is compiled -fPIC, as every library is (the network
    # module); an executable's sources would get -fPIE, with which GCC
    # refuses the header, so they are compiled -fPIC too.
    get_target_property(_type ${TARGET} TYPE)
    if(_type STREQUAL "EXECUTABLE")
      set_target_properties(${TARGET} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
      target_compile_options(${TARGET} PRIVATE -fPIC)
    endif()
  endif()
endfunction()

# parallax_add_library(NAME SRCS ... DEPS ... [TORCH])
function(parallax_add_library NAME)
  cmake_parse_arguments(ARG "TORCH" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${NAME} STATIC ${ARG_SRCS})
  target_include_directories(${NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_options(${NAME} PRIVATE ${PARALLAX_WARNING_FLAGS})
  if(ARG_TORCH)
    target_link_libraries(${NAME} PUBLIC parallax_torch)
    _parallax_use_torch_pch(${NAME})
  endif()
endfunction()

# parallax_add_test(NAME SRCS ... DEPS ... [TORCH] [TIMEOUT s] [LABELS ...])
function(parallax_add_test NAME)
  if(NOT PARALLAX_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "TORCH" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${NAME} ${ARG_SRCS})
  set_target_properties(${NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  target_link_libraries(${NAME} PRIVATE ${ARG_DEPS} parallax_test_support GTest::gtest GTest::gtest_main
                        ${PARALLAX_MALLOC_LIBS})
  target_compile_options(${NAME} PRIVATE ${PARALLAX_WARNING_FLAGS})
  if(ARG_TORCH)
    _parallax_use_torch_pch(${NAME})
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  # The library folder (io, data, model, ...) as a label, so that a run can
  # pick tests by library: scripts/test --sanitize runs the LibTorch-free
  # ones.
  file(RELATIVE_PATH _folder ${PROJECT_SOURCE_DIR}/src/parallax
       ${CMAKE_CURRENT_SOURCE_DIR})
  string(REGEX REPLACE "/.*" "" _folder "${_folder}")
  list(APPEND ARG_LABELS ${_folder})
  add_test(NAME ${NAME} COMMAND ${NAME})
  # CTest runs two tests at once on two cores: OpenMP threads that spin
  # while waiting then starve each other (the training tests took 258 s
  # together spinning, 88 s passive).
  set_tests_properties(${NAME} PROPERTIES
    TIMEOUT ${ARG_TIMEOUT}
    LABELS "${ARG_LABELS}"
    ENVIRONMENT "PARALLAX_SOURCE_DIR=${PROJECT_SOURCE_DIR};OMP_NUM_THREADS=2;OMP_WAIT_POLICY=PASSIVE")
endfunction()

# parallax_add_benchmark(NAME SRCS ... DEPS ... [TORCH])
function(parallax_add_benchmark NAME)
  if(NOT PARALLAX_BUILD_BENCHMARKS)
    return()
  endif()
  cmake_parse_arguments(ARG "TORCH" "" "SRCS;DEPS" ${ARGN})
  add_executable(${NAME} ${ARG_SRCS})
  set_target_properties(${NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/benchmarks)
  target_link_libraries(${NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark ${PARALLAX_MALLOC_LIBS})
  target_compile_options(${NAME} PRIVATE ${PARALLAX_WARNING_FLAGS})
  if(ARG_TORCH)
    _parallax_use_torch_pch(${NAME})
    target_link_libraries(${NAME} PRIVATE parallax_torch_benchmark_main)
  endif()
endfunction()
