# Every dependency comes from Debian 12 packages (scripts/deps.sh installs them).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Boost 1.74 REQUIRED)                 # header-only Asio
find_package(prometheus-cpp CONFIG REQUIRED)      # prometheus-cpp-dev 1.0.1
find_package(civetweb CONFIG REQUIRED)            # libcivetweb-dev 1.15
find_package(tomlplusplus CONFIG REQUIRED)        # libtomlplusplus-dev 3.3
find_package(nlohmann_json CONFIG REQUIRED)       # nlohmann-json3-dev
find_package(CLI11 CONFIG REQUIRED)               # libcli11-dev
find_package(spdlog CONFIG REQUIRED)              # libspdlog-dev 1.10
find_package(tl-expected CONFIG REQUIRED)         # libexpected-dev 1.0
find_package(SQLite3 REQUIRED)                    # libsqlite3-dev 3.40
pkg_check_modules(MOSQUITTO REQUIRED IMPORTED_TARGET libmosquitto)  # libmosquitto-dev 2.0.11
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)      # libsystemd-dev 252: sd_notify
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)        # libxxhash-dev 0.8.1: /metrics gzip chunk hashes
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)   # libdeflate-dev 1.14: bench/scrape comparison
if(DLMS_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
if(DLMS_BUILD_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()
