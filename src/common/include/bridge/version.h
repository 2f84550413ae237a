#pragma once
#include <string_view>

namespace bridge {

// Filled in at configure time from the project version and `git rev-parse`.
std::string_view version();
std::string_view git_revision();
std::string_view git_branch();
// "dlms-bridge 0.1.0 (revision abcdef123456)"
std::string version_line(std::string_view program);

}  // namespace bridge
