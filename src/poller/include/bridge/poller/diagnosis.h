#pragma once
// Failure diagnosis: what went wrong, in words an operator can act on.
//
// diagnose() is a pure function over a table (kDiagnosisRules) compiled from the symptom ->
// action table of docs/meters.md ("Symptoms seen in the field"). The
// first rule whose reason, step and (when given) AARE diagnostic match wins. The result keeps the
// bounded metric reason (meter_poll_failures_total{reason}) plus a bounded symptom code, a
// one-line explanation and a recommended action with the meter's host/port filled in.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "bridge/event.h"
#include "bridge/labels.h"

namespace bridge::poller {

// Where in the session the failure happened.
enum class Step {
  connect,    // TCP connect (+ drain, SNRM/UA, AARQ/AARE: the whole open())
  read,       // a GET of a scheduled cycle
  keepalive,  // the keep-alive GET between cycles
  probe,      // trying an alternative client SAP / password pair
};
std::string_view to_label(Step s);

// What the session knows about one failure.
struct FailureFacts {
  labels::PollFailure reason = labels::PollFailure::timeout;
  Step step = Step::connect;
  std::optional<labels::HdlcError> hdlc;  // protocol errors: which HDLC check failed
  int diagnostic = -1;                    // AARE result-source-diagnostic, -1 when none
  bool tcp_connected = false;             // the TCP connection was up when it failed
  bool alternatives_configured = false;   // the meter lists alternative credentials to probe
  std::string host;
  std::uint16_t port = 0;
  std::string address;                    // the configured addressing in words (config::address_text)
  std::string detail;                     // the transport's precise message
};

// AARE acse-service-user diagnostics (IEC 62056-53 / DLMS green book) the table distinguishes.
inline constexpr int kDiagnosticNoReason = 1;
inline constexpr int kDiagnosticContextNotSupported = 2;
inline constexpr int kDiagnosticMechanismNotRecognised = 11;
inline constexpr int kDiagnosticMechanismRequired = 12;
inline constexpr int kDiagnosticAuthenticationFailure = 13;

struct Diagnosis {
  labels::PollFailure reason = labels::PollFailure::timeout;
  std::string_view symptom;   // bounded code, e.g. "unreachable", "silent_after_connect"
  Severity severity = Severity::warning;
  std::string explanation;    // what probably happened
  std::string action;         // what to do about it
  bool try_alternative_credentials = false;  // the session should probe the next credential pair
  std::string detail;         // the transport's message, verbatim
};

struct DiagnosisRule {
  labels::PollFailure reason;
  std::optional<Step> step;         // nullopt: any step
  std::optional<bool> tcp_connected;  // nullopt: either
  std::optional<int> diagnostic;    // nullopt: any diagnostic
  std::string_view symptom;
  Severity severity;
  std::string_view explanation;     // "{host}", "{port}" and "{address}" are replaced
  std::string_view action;
  bool try_alternative_credentials;
};

// The table itself, exposed so tests can check that every reason has a rule.
std::span<const DiagnosisRule> diagnosis_rules();

Diagnosis diagnose(const FailureFacts& facts);

// Rendered as the `details` JSON of an Event: {"reason":..,"symptom":..,"step":..,"action":..}.
std::string to_json(const Diagnosis& d, Step step);

}  // namespace bridge::poller
