# One library per folder of DESIGN.md: every .cpp in the folder belongs to it, so adding a
# file needs no CMake edit. Dependencies are the arrows of DESIGN.md and nothing else.
# EXCLUDE: sources of the folder that belong to another target (full paths).
function(ironclad_library name)
  cmake_parse_arguments(ARG "" "" "DEPS;EXCLUDE" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(ARG_EXCLUDE)
    list(REMOVE_ITEM sources ${ARG_EXCLUDE})
  endif()
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  else()
    # A folder whose code has not landed yet: headers only.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# One GoogleTest executable per folder of tests/.
function(ironclad_test name)
  cmake_parse_arguments(ARG "" "" "DEPS;EXCLUDE" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(ARG_EXCLUDE)
    list(REMOVE_ITEM sources ${ARG_EXCLUDE})
  endif()
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src
                             ${PROJECT_SOURCE_DIR}/tests ${CMAKE_CURRENT_SOURCE_DIR})
  # The fixture directory for support/fixture_dir.h, when the environment does not name one.
  target_compile_definitions(${name} PRIVATE IRONCLAD_FIXTURE_DIR="${IRONCLAD_FIXTURE_DIR}")
  # Tests find fixtures and the shared CPUID dumps through these variables. They are set by
  # running each test through `env` (gtest_discover_tests would split an ENVIRONMENT list).
  set_target_properties(${name} PROPERTIES CROSSCOMPILING_EMULATOR
    "env;IRONCLAD_SHARED_DIR=${PROJECT_SOURCE_DIR}/../shared;IRONCLAD_FIXTURES=${CMAKE_BINARY_DIR}/fixtures;IRONCLAD_DATA_DIR=${CMAKE_BINARY_DIR}/test-data")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
