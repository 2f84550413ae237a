#pragma once
// What the reliability suite counts at the end of a faulty run: the bridge's /metrics as a map,
// the readings a subscriber received (by meter and read time), and the readings the bridge's
// store ever took in (the outbox's AUTOINCREMENT sequence, never reused).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace e2e {

// One scrape: "name{labels}" -> value.
class Scrape {
 public:
  static Scrape parse(const std::string& body);
  double value(const std::string& series) const;  // 0 when absent
  // Sum over the series of family `name` whose labels contain every `key="value"` in `labels`.
  double sum(const std::string& name, const std::string& labels = {}) const;
  std::size_t size() const { return series_.size(); }

 private:
  std::map<std::string, double> series_;
};

// Readings in the gateway telemetry messages a subscriber printed, one JSON payload per line
// ({"<meter>":[{"ts":..,"values":{..}}, ..]}).
struct ReceivedReadings {
  std::set<std::pair<std::string, std::int64_t>> distinct;  // (meter, read time ms)
  std::int64_t total = 0;                                   // every entry, duplicates included
  std::int64_t unparsable_lines = 0;
  // The same reading twice inside one message: two outbox rows of one reading (the bridge
  // enqueued it twice), not a redelivery.
  std::int64_t same_message_duplicates = 0;
  std::int64_t duplicates() const { return total - static_cast<std::int64_t>(distinct.size()); }
};
ReceivedReadings parse_received(const std::string& subscriber_output);

// SELECT on the bridge's SQLite store through the sqlite3 CLI (the bridge may be running: WAL).
std::int64_t store_int(const std::filesystem::path& db, const std::string& sql);
// Readings the store ever took into the outbox (the sequence of its AUTOINCREMENT id).
std::int64_t outbox_sequence(const std::filesystem::path& db);

}  // namespace e2e
