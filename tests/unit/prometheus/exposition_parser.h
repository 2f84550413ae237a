#pragma once
// Minimal parser of the Prometheus text format for assertions in tests (not a validator:
// integration tests run promtool for that).
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_exposition {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Parsed {
  std::map<std::string, std::string> help;
  std::map<std::string, std::string> type;
  std::vector<Sample> samples;

  std::vector<Sample> find(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    std::vector<Sample> out;
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool ok = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        ok = ok && it != s.labels.end() && it->second == v;
      }
      if (ok) out.push_back(s);
    }
    return out;
  }
  // Value of the single matching sample; throws when there is not exactly one.
  double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    auto found = find(name, labels);
    if (found.size() != 1) {
      throw std::runtime_error(name + ": " + std::to_string(found.size()) + " matching samples");
    }
    return found.front().value;
  }
};

inline Parsed parse(const std::string& text) {
  Parsed p;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      auto rest = line.substr(7);
      auto sp = rest.find(' ');
      p.help[rest.substr(0, sp)] = sp == std::string::npos ? "" : rest.substr(sp + 1);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      auto rest = line.substr(7);
      auto sp = rest.find(' ');
      p.type[rest.substr(0, sp)] = rest.substr(sp + 1);
      continue;
    }
    if (line[0] == '#') continue;
    Sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        auto eq = line.find('=', i);
        std::string key = line.substr(i, eq - i);
        i = eq + 2;  // skip ="
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value.push_back(line[i] == 'n' ? '\n' : line[i]);
          } else {
            value.push_back(line[i]);
          }
          ++i;
        }
        ++i;  // closing quote
        if (i < line.size() && line[i] == ',') ++i;
        s.labels[key] = value;
      }
      ++i;  // '}'
    }
    auto value_text = line.substr(line.find_first_not_of(' ', i));
    auto sp = value_text.find(' ');
    value_text = value_text.substr(0, sp);
    if (value_text == "+Inf") s.value = std::numeric_limits<double>::infinity();
    else if (value_text == "-Inf") s.value = -std::numeric_limits<double>::infinity();
    else s.value = std::stod(value_text);
    p.samples.push_back(std::move(s));
  }
  return p;
}

}  // namespace test_exposition
