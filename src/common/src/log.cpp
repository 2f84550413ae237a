#include "bridge/log.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

#include "bridge/utf8.h"

namespace bridge::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;
std::shared_ptr<spdlog::logger> g_logger;

spdlog::level::level_enum to_spd(Level l) {
  switch (l) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::critical: return spdlog::level::critical;
    case Level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> make_logger(std::shared_ptr<spdlog::sinks::sink> sink) {
  auto logger = std::make_shared<spdlog::logger>("bridge", std::move(sink));
  // logfmt: ts and level are fields like any other; %v carries msg="..." k=v.
  logger->set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::trace);  // filtering happens in write()
  logger->flush_on(spdlog::level::trace);
  return logger;
}

spdlog::logger& logger() {
  if (!g_logger) g_logger = make_logger(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  return *g_logger;
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  bool non_ascii = false;
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '=' || c == '"' || c == '\\' || u < 0x20 || u == 0x7F) return true;
    non_ascii = non_ascii || u >= 0x80;
  }
  return non_ascii && !utf8::valid(v);  // invalid UTF-8 is escaped, which needs quotes
}

void append_hex_escape(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out.push_back(kHex[byte >> 4]);
  out.push_back(kHex[byte & 0x0F]);
}

}  // namespace

bool parse_level(std::string_view name, Level& out) {
  static constexpr std::pair<std::string_view, Level> kNames[] = {
      {"trace", Level::trace}, {"debug", Level::debug}, {"info", Level::info},        {"warn", Level::warn},
      {"warning", Level::warn}, {"error", Level::error}, {"critical", Level::critical}, {"off", Level::off}};
  for (const auto& [n, l] : kNames) {
    if (n == name) {
      out = l;
      return true;
    }
  }
  return false;
}

void set_level(Level l) { g_level.store(l); }
Level level() { return g_level.load(); }
bool enabled(Level l) { return l != Level::off && static_cast<int>(l) >= static_cast<int>(g_level.load()); }

std::string quote(std::string_view v) {
  if (!needs_quotes(v)) return std::string(v);
  std::string out;
  out.reserve(v.size() + 2);
  out.push_back('"');
  // Values may carry bytes from the network (request paths, meter replies): one line per event
  // and valid UTF-8 must survive them, so control bytes and invalid UTF-8 become \xNN.
  for (std::size_t i = 0; i < v.size();) {
    const char c = v[i];
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7F) {
          append_hex_escape(out, u);
        } else if (u >= 0x80) {
          const auto n = utf8::sequence_length(v, i);
          if (n == 0) {
            append_hex_escape(out, u);
          } else {
            out.append(v.substr(i, n));
            i += n;
            continue;
          }
        } else {
          out.push_back(c);
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

std::string format_fields(std::string_view msg, Fields fields) {
  std::string line = "msg=" + quote(msg);
  for (const auto& f : fields) {
    line.push_back(' ');
    line.append(f.key);
    line.push_back('=');
    line += quote(f.value);
  }
  return line;
}

void write(Level l, std::string_view msg, Fields fields) {
  if (!enabled(l)) return;
  std::string line = format_fields(msg, fields);
  std::lock_guard lock(g_mutex);
  logger().log(to_spd(l), "{}", line);
}

void capture_to(std::ostream* stream) {
  std::lock_guard lock(g_mutex);
  if (stream) {
    g_logger = make_logger(std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream));
  } else {
    g_logger = make_logger(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
}

}  // namespace bridge::log
