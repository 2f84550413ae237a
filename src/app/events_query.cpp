#include "events_query.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "bridge/config/duration.h"

namespace bridge::app {
namespace {

constexpr std::size_t kMaxLimit = 10000;
constexpr std::size_t kMaxNameLength = 128;
// How much of a bad value a message quotes (values are valid UTF-8 by now; this keeps a
// megabyte of garbage out of the answer and the log).
constexpr std::size_t kQuoteBytes = 40;

std::string quoted(const std::string& value) {
  if (value.size() <= kQuoteBytes) return "'" + value + "'";
  std::size_t cut = kQuoteBytes;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;  // whole characters
  return "'" + value.substr(0, cut) + "...'";
}

// Meter ids and event categories are config-style names: letters, digits, '.', '_', '-'.
bool is_name(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNameLength && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

// An empty value ("?meter=&since=") means "not given", as it always has.
const std::string* find(const std::map<std::string, std::string>& params, const char* name) {
  auto it = params.find(name);
  return it == params.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace

Result<store::EventFilter, std::string> parse_events_query(const std::map<std::string, std::string>& params,
                                                           std::int64_t now_ms) {
  store::EventFilter filter;
  if (const auto* meter = find(params, "meter")) {
    if (!is_name(*meter)) {
      return fail("bad meter " + quoted(*meter) + ": a meter id has 1..128 letters, digits, '.', '_' or '-'");
    }
    filter.meter = *meter;
  }
  if (const auto* category = find(params, "category")) {
    if (!is_name(*category)) {
      return fail("bad category " + quoted(*category) + ": a category has 1..128 letters, digits, '.', '_' or '-'");
    }
    filter.category = *category;
  }
  if (const auto* since = find(params, "since")) {
    auto d = config::parse_duration(*since);
    if (!d) return fail("bad since " + quoted(*since) + ": expected a duration like 90s, 15m, 1h30m or 7d");
    filter.since_ms = now_ms - d->count();
  }
  if (const auto* severity = find(params, "severity")) {
    if (*severity == "info") filter.min_severity = Severity::info;
    else if (*severity == "warning") filter.min_severity = Severity::warning;
    else if (*severity == "error") filter.min_severity = Severity::error;
    else if (*severity == "critical") filter.min_severity = Severity::critical;
    else return fail("bad severity " + quoted(*severity) + ": expected info, warning, error or critical");
  }
  if (const auto* limit = find(params, "limit")) {
    std::size_t n = 0;
    const char* end = limit->data() + limit->size();
    auto [p, ec] = std::from_chars(limit->data(), end, n);
    if (limit->empty() || ec != std::errc() || p != end || n == 0 || n > kMaxLimit) {
      return fail("bad limit " + quoted(*limit) + ": expected a whole number 1.." + std::to_string(kMaxLimit));
    }
    filter.limit = n;
  }
  return filter;
}

}  // namespace bridge::app
