#include "bridge/status/operator_text.h"

#include <array>
#include <utility>

namespace bridge::status {
namespace {

// One per symptom of the poller's diagnosis table (a unit test checks that none is missing).
constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kHeadlines{{
    {"refused", "Refuses TCP connections"},
    {"unreachable", "Unreachable: no answer to TCP connects"},
    {"silent_after_connect", "Silent after connect: locked meter or wrong address"},
    {"connect_timeout", "Connect timed out"},
    {"read_timeout", "Stopped answering during reads"},
    {"closed", "Connection closed by the meter"},
    {"hdlc_desync", "HDLC framing errors"},
    {"authentication_failed", "Wrong password for this client SAP"},
    {"authentication_required", "Meter requires a password"},
    {"association_rejected", "Association rejected"},
    {"access_denied", "A register may not be read"},
    {"busy", "Busy: another association is open"},
    {"circuit_open", "Circuit breaker open: too many reconnects"},
}};

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '.' || s.back() == '\n')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string diagnosis_headline(std::string_view symptom) {
  for (const auto& [code, text] : kHeadlines) {
    if (code == symptom) return std::string(text);
  }
  return std::string(symptom);
}

std::vector<std::string> split_actions(std::string_view action) {
  std::vector<std::string> out;
  int depth = 0;  // no split inside parentheses
  std::size_t start = 0;
  for (std::size_t i = 0; i < action.size(); ++i) {
    if (action[i] == '(') ++depth;
    else if (action[i] == ')' && depth > 0) --depth;
    else if (action[i] == ';' && depth == 0) {
      if (auto part = trim(action.substr(start, i - start)); !part.empty()) out.push_back(std::move(part));
      start = i + 1;
    }
  }
  if (auto part = trim(action.substr(start)); !part.empty()) out.push_back(std::move(part));
  return out;
}

std::string similar_events_text(std::int64_t repeat_count) {
  if (repeat_count <= 0) return {};
  return " (" + std::to_string(repeat_count) + (repeat_count == 1 ? " similar event" : " similar events") +
         " before this one)";
}

std::string times_text(std::int64_t count) {
  return count == 1 ? "once" : std::to_string(count) + " times";
}

int health_exit_code(std::string_view status) {
  if (status == "ok") return kExitOk;
  if (status == "degraded") return kExitDegraded;
  if (status == "failing") return kExitFailing;
  return kExitFailure;
}

}  // namespace bridge::status
