# Project-wide warning and sanitizer flags, applied through dlms_bridge_options.
add_library(dlms_bridge_options INTERFACE)
target_compile_options(dlms_bridge_options INTERFACE -Wall -Wextra -Wpedantic)
if(DLMS_WERROR)
  target_compile_options(dlms_bridge_options INTERFACE -Werror)
endif()
if(DLMS_SANITIZE)
  target_compile_options(dlms_bridge_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                       -fno-sanitize-recover=undefined)
  target_link_options(dlms_bridge_options INTERFACE -fsanitize=address,undefined)
endif()
if(DLMS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DLMS_FUZZ=ON needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  # Instrument everything for coverage; the fuzz executables add -fsanitize=fuzzer at link time.
  target_compile_options(dlms_bridge_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                       -fno-omit-frame-pointer)
  target_link_options(dlms_bridge_options INTERFACE -fsanitize=address,undefined)
endif()

# Helper: dlms_bridge_module(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Creates library dlms_bridge_<name> with alias dlms_bridge::<name> and public headers in include/.
function(dlms_bridge_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(dlms_bridge_${name} STATIC ${M_SOURCES})
  add_library(dlms_bridge::${name} ALIAS dlms_bridge_${name})
  target_include_directories(dlms_bridge_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                                 PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_compile_features(dlms_bridge_${name} PUBLIC cxx_std_20)
  target_link_libraries(dlms_bridge_${name} PUBLIC ${M_PUBLIC_DEPS} PRIVATE dlms_bridge_options ${M_PRIVATE_DEPS})
endfunction()
