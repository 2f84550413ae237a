#pragma once
// A password or token. It never prints its value: operator<<, fmt and to_string() all give
// "<secret>" so a log line, an error message or a config dump cannot leak it by accident
// (the snmp_exporter `Secret` idea). Code that must hand the value to a protocol calls reveal().
#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>

namespace bridge::config {

class Secret {
 public:
  static constexpr std::string_view kMasked = "<secret>";

  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  // The clear-text value, for the DLMS AARQ / MQTT CONNECT / bearer comparison only.
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  std::size_t size() const { return value_.size(); }
  // "<secret>" when set, "" when empty (so summaries can say whether one is configured).
  std::string to_string() const { return value_.empty() ? std::string{} : std::string{kMasked}; }

  friend bool operator==(const Secret&, const Secret&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << kMasked; }

 private:
  std::string value_;
};

}  // namespace bridge::config

template <>
struct fmt::formatter<bridge::config::Secret> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(const bridge::config::Secret&, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(bridge::config::Secret::kMasked, ctx);
  }
};
