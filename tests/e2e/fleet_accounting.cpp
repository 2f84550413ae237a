#include "fleet_accounting.h"

#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "testing/process.h"

namespace e2e {

Scrape Scrape::parse(const std::string& body) {
  Scrape out;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    try {
      out.series_[line.substr(0, space)] = std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      // NaN/Inf spellings stod may refuse: not a counter this suite reads.
    }
  }
  return out;
}

double Scrape::value(const std::string& series) const {
  auto it = series_.find(series);
  return it == series_.end() ? 0.0 : it->second;
}

double Scrape::sum(const std::string& name, const std::string& labels) const {
  std::vector<std::string> wanted;
  std::istringstream in(labels);
  std::string pair;
  while (std::getline(in, pair, ',')) {
    if (!pair.empty()) wanted.push_back(pair);
  }
  double total = 0;
  for (auto it = series_.lower_bound(name); it != series_.end() && it->first.rfind(name, 0) == 0; ++it) {
    const auto& key = it->first;
    if (key.size() > name.size() && key[name.size()] != '{') continue;  // another family with this prefix
    bool match = true;
    for (const auto& w : wanted) match = match && key.find(w) != std::string::npos;
    if (match) total += it->second;
  }
  return total;
}

ReceivedReadings parse_received(const std::string& subscriber_output) {
  ReceivedReadings out;
  std::istringstream in(subscriber_output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto message = nlohmann::json::parse(line, nullptr, false);
    if (!message.is_object()) {
      ++out.unparsable_lines;
      continue;
    }
    std::set<std::pair<std::string, std::int64_t>> in_message;
    for (const auto& [meter, entries] : message.items()) {
      if (!entries.is_array()) {
        ++out.unparsable_lines;
        continue;
      }
      for (const auto& entry : entries) {
        if (!entry.contains("ts") || !entry["ts"].is_number_integer()) {
          ++out.unparsable_lines;
          continue;
        }
        ++out.total;
        const std::pair<std::string, std::int64_t> reading{meter, entry["ts"].get<std::int64_t>()};
        if (!in_message.insert(reading).second) ++out.same_message_duplicates;
        out.distinct.insert(reading);
      }
    }
  }
  return out;
}

std::int64_t store_int(const std::filesystem::path& db, const std::string& sql) {
  auto r = testing_support::run({"sqlite3", "-cmd", ".timeout 5000", db.string(), sql});
  if (r.exit_code != 0) throw std::runtime_error("sqlite3 " + db.string() + " '" + sql + "': " + r.err);
  try {
    return r.out.empty() ? 0 : std::stoll(r.out);
  } catch (const std::exception&) {
    throw std::runtime_error("sqlite3 '" + sql + "' answered '" + r.out + "'");
  }
}

std::int64_t outbox_sequence(const std::filesystem::path& db) {
  return store_int(db, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)");
}

}  // namespace e2e
