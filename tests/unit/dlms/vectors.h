#pragma once
// Loads golden vectors from tests/unit/dlms/vectors/*.txt ("<kind> <name>: <hex>" per line).
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "dlms/bytes.h"

namespace dlms::testing {

struct Vector {
  std::string kind;
  std::string name;
  Bytes bytes;
};

inline std::vector<Vector> load_vectors(const std::string& file) {
  const std::string path = std::string(DLMS_BRIDGE_SOURCE_DIR) + "/tests/unit/dlms/vectors/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find(' ');
    const auto colon = line.find(':');
    if (space == std::string::npos || colon == std::string::npos) throw std::runtime_error("bad line: " + line);
    auto bytes = from_hex(line.substr(colon + 1));
    if (!bytes) throw std::runtime_error("bad hex: " + line);
    out.push_back({line.substr(0, space), line.substr(space + 1, colon - space - 1), std::move(*bytes)});
  }
  return out;
}

inline Vector find_vector(const std::string& file, const std::string& name) {
  for (auto& v : load_vectors(file)) {
    if (v.name == name) return v;
  }
  throw std::runtime_error("no vector " + name);
}

inline Bytes hex(std::string_view text) {
  auto b = from_hex(text);
  if (!b) throw std::runtime_error("bad hex literal");
  return *b;
}

}  // namespace dlms::testing
