#pragma once
// Logging facade: one line per event, logfmt (`key=value`) on stderr so journald keeps it.
//
//   bridge::log::warn("poll failed", {{"meter", id}, {"reason", "timeout"}});
//   -> ts=2026-11-26T22:31:05.123Z level=warn msg="poll failed" meter=meter-1 reason=timeout
//
// Values are quoted only when they need it (space, '=', '"' or empty). Tests can capture the
// output with capture_to().
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>

namespace bridge::log {

enum class Level { trace, debug, info, warn, error, critical, off };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  template <class N>
    requires std::is_arithmetic_v<N>
  Field(std::string_view k, N v) : key(k), value(to_text(v)) {}

  std::string_view key;
  std::string value;

 private:
  template <class N>
  static std::string to_text(N v) {
    if constexpr (std::is_same_v<N, bool>) {
      return v ? "true" : "false";
    } else {
      return std::to_string(v);
    }
  }
};

using Fields = std::initializer_list<Field>;

// Parses "trace|debug|info|warn|error|critical|off"; returns false on an unknown name.
bool parse_level(std::string_view name, Level& out);
void set_level(Level level);
Level level();
bool enabled(Level level);

void write(Level level, std::string_view msg, Fields fields);
inline void trace(std::string_view msg, Fields f = {}) { write(Level::trace, msg, f); }
inline void debug(std::string_view msg, Fields f = {}) { write(Level::debug, msg, f); }
inline void info(std::string_view msg, Fields f = {}) { write(Level::info, msg, f); }
inline void warn(std::string_view msg, Fields f = {}) { write(Level::warn, msg, f); }
inline void error(std::string_view msg, Fields f = {}) { write(Level::error, msg, f); }
inline void critical(std::string_view msg, Fields f = {}) { write(Level::critical, msg, f); }

// Formats one logfmt line body (without ts/level): msg="..." k=v ...
std::string format_fields(std::string_view msg, Fields fields);
// logfmt quoting of one value.
std::string quote(std::string_view value);

// Redirect output to a stream (tests); pass nullptr to go back to stderr.
void capture_to(std::ostream* stream);

}  // namespace bridge::log
