#pragma once
// Typed, position-aware access to one TOML table that collects problems instead of stopping.
// Every getter marks its key as known; finish() reports the keys nobody asked for as unknown.
// Messages follow one pattern: "\"<key>\" in <table>: <what is wrong>", with the position of the
// offending value (or of the key, for unknown keys) from toml++ source regions.
#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bridge/config/config.h"

namespace bridge::config::detail {

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void add(const toml::source_region& where, std::string message);
  void add(int line, int column, std::string message);
  bool empty() const { return errors_.empty(); }
  std::size_t count() const { return errors_.size(); }
  const std::string& file() const { return file_; }
  std::vector<ConfigError> take();

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

// "string", "integer", ... for wrong-type messages.
std::string_view type_name(const toml::node& node);

enum class DurationRule { positive, non_negative };

class TableReader {
 public:
  TableReader(const toml::table& table, std::string label, Diagnostics& diag, const std::filesystem::path& base_dir);

  const std::string& label() const { return label_; }
  const toml::table& table() const { return table_; }
  Diagnostics& diag() { return diag_; }
  const std::filesystem::path& base_dir() const { return base_dir_; }

  bool has(std::string_view key) const { return table_.contains(key); }
  // The value node of `key`, marking the key as known; nullptr when absent.
  const toml::node* node(std::string_view key);
  // Where to point for `key`: its value when present, else the table itself.
  const toml::source_region& where(std::string_view key) const;
  // Reports a problem with `key` (positioned at its value, or the table when absent).
  void problem(std::string_view key, const std::string& detail);
  void problem_at(const toml::node& node, std::string_view key, const std::string& detail);

  // Each getter leaves `out` unchanged when the key is absent or invalid and returns true only
  // when it assigned a valid value.
  bool string(std::string_view key, std::string& out, bool allow_empty = false);
  bool boolean(std::string_view key, bool& out);
  bool integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  template <class Int>
  bool integer_as(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
    std::int64_t v = 0;
    if (!integer(key, v, min, max)) return false;
    out = static_cast<Int>(v);
    return true;
  }
  // Accepts integers and floats; min is exclusive when min_exclusive.
  bool number(std::string_view key, double& out, double min, double max, bool min_exclusive = false);
  bool duration(std::string_view key, Duration& out, DurationRule rule);
  // Like duration(), plus "off" -> nullopt.
  bool optional_duration(std::string_view key, std::optional<Duration>& out, DurationRule rule);
  template <class E>
  bool enumeration(std::string_view key, E& out, std::initializer_list<std::pair<std::string_view, E>> names) {
    std::string text;
    if (!string(key, text)) return false;
    for (const auto& [name, value] : names) {
      if (name == text) {
        out = value;
        return true;
      }
    }
    std::string choices;
    for (const auto& [name, value] : names) choices += (choices.empty() ? "" : " | ") + std::string(name);
    problem(key, "unknown value \"" + text + "\" (expected " + choices + ")");
    return false;
  }
  // `key` inline or `file_key` (read now, trailing newline stripped). Returns the node that
  // provided the value (for later range messages), or nullptr.
  const toml::node* secret(std::string_view key, std::string_view file_key, Secret& out);
  // A path resolved against the config directory; `must_read` checks that it can be opened.
  bool file_path(std::string_view key, std::filesystem::path& out, bool must_read);
  // "host:port" or "[v6]:port"; port 0 allowed (bind any free port).
  bool endpoint(std::string_view key, Endpoint& out);
  // Sub-table / array; a wrong type is reported and nullptr returned.
  const toml::table* table(std::string_view key);
  const toml::array* array(std::string_view key);

  // Marks `key` known but wrong here (e.g. a fleet-only key inside a meter).
  void reject(std::string_view key, const std::string& why);
  // Reports every key that no getter asked for. Call once, after all getters.
  void finish();

 private:
  const toml::table& table_;
  std::string label_;
  Diagnostics& diag_;
  std::filesystem::path base_dir_;
  std::set<std::string, std::less<>> known_;
};

// "host:port" or "[v6]:port" (port 0..65535); the error names what is wrong.
Result<Endpoint, std::string> parse_endpoint(std::string_view text);

// Reads a whole file into `out`; on failure returns strerror text.
std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& out);

}  // namespace bridge::config::detail
