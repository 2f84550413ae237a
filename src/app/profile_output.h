#pragma once
// How `read --profile` prints a ProfileTable: an aligned text table, CSV (a header of column
// names with units, one line per entry) or JSON (an object with `columns` and a `rows` list of
// objects keyed by column name).
#include <nlohmann/json.hpp>

#include <string>

#include "profile_read.h"

namespace bridge::app {

std::string profile_text(const ProfileTable& table);
std::string profile_csv(const ProfileTable& table);
nlohmann::json profile_json(const ProfileTable& table);

}  // namespace bridge::app
