#include "bridge/poller/diagnosis.h"

#include <array>

#include <nlohmann/json.hpp>

namespace bridge::poller {

using labels::PollFailure;

std::string_view to_label(Step s) {
  switch (s) {
    case Step::connect: return "connect";
    case Step::read: return "read";
    case Step::keepalive: return "keepalive";
    case Step::probe: return "probe";
  }
  return "connect";
}

namespace {

// Compiled from the symptom -> action table of docs/meters.md and the failure modes behind
// it. Order matters: specific rules first, the catch-all rule of a reason last.
constexpr std::array kRules = {
    DiagnosisRule{PollFailure::refused, std::nullopt, std::nullopt, std::nullopt, "refused", Severity::error,
                  "{host}:{port} actively refuses TCP connections: the host is up but nothing listens on the "
                  "port, or the meter's TCP module only takes one client and another one holds it",
                  "check the port in the config (Microstar TCP module: 3333, also 4059/4061); make sure no other "
                  "client (old bridge, vendor tool, ThingsBoard connector) polls this meter; power-cycle the "
                  "meter's TCP module if nothing else is connected",
                  false},
    DiagnosisRule{PollFailure::unreachable, std::nullopt, std::nullopt, std::nullopt, "unreachable",
                  Severity::error,
                  "{host}:{port} does not answer TCP connects (no route, host down or connect timeout): the "
                  "meter or its network is off",
                  "check the meter's power, the cable and the switch port, and that {host} is the meter's IP "
                  "address: ping {host}; nc -vz {host} {port}. The bridge keeps retrying with backoff and polls "
                  "again as soon as the meter answers",
                  false},
    DiagnosisRule{PollFailure::timeout, Step::connect, true, std::nullopt, "silent_after_connect", Severity::error,
                  "{host}:{port} accepts the TCP connection but the DLMS stack never answers SNRM/AARQ: the "
                  "meter is locked (still holding a previous session) or the server address is wrong",
                  "confirm the configured address ({address}) against the meter (Microstar field setting: "
                  "one-byte 0x03; vendor factory setting: logical 1, physical = the serial's last 4 digits), or "
                  "pause this meter and let dlms-bridge discover --host {host} --port {port} --serial SERIAL find "
                  "the address and credential it answers to; wait 10-15 s between attempts; if it persists, "
                  "power-cycle the meter for 60 s",
                  false},
    DiagnosisRule{PollFailure::timeout, Step::connect, std::nullopt, std::nullopt, "connect_timeout",
                  Severity::error,
                  "connecting to {host}:{port} timed out: the meter or the network path is not answering",
                  "ping {host}; nc -vz {host} {port}; check power, cable and switch; wait 10-15 s between "
                  "attempts (the bridge does)",
                  false},
    DiagnosisRule{PollFailure::timeout, std::nullopt, std::nullopt, std::nullopt, "read_timeout", Severity::warning,
                  "the meter stopped answering in the middle of an association (request deadline exceeded)",
                  "the bridge reconnects by itself; if it repeats, ping {host} ten times and time one direct read "
                  "(dlms-bridge read): over 2 s means the meter or the link is slow, raise request_timeout",
                  false},
    DiagnosisRule{PollFailure::closed, std::nullopt, std::nullopt, std::nullopt, "closed", Severity::warning,
                  "{host}:{port} closed the connection (possibly mid-frame): another client took the meter's "
                  "only session, or the meter dropped an idle association",
                  "make sure no other client polls this meter (one association at a time); keep keepalive_idle "
                  "below the meter's 180 s inactivity timeout; the bridge reconnects by itself",
                  false},
    DiagnosisRule{PollFailure::protocol, std::nullopt, std::nullopt, std::nullopt, "hdlc_desync", Severity::warning,
                  "HDLC framing/sequence error: stale bytes from an earlier session, line noise, or a meter still "
                  "processing a previous session",
                  "the bridge drains the socket and resynchronises on the next frame, and reconnects after 15 "
                  "errors in a row; if errors persist, check for a second client on this meter, the cabling of "
                  "the TCP module, and raise request_timeout",
                  false},
    DiagnosisRule{PollFailure::association_rejected, std::nullopt, std::nullopt, kDiagnosticAuthenticationFailure,
                  "authentication_failed", Severity::error,
                  "the meter rejected the association: authentication failure (wrong password for this client "
                  "SAP)",
                  "use the client SAP / password pair from the meter label (Microstar: 1/22222222, 32/11111111, "
                  "17/00000000, 16 = public without password); list them in credential_alternatives and the "
                  "bridge probes them itself",
                  true},
    DiagnosisRule{PollFailure::association_rejected, std::nullopt, std::nullopt, kDiagnosticMechanismRequired,
                  "authentication_required", Severity::error,
                  "the meter requires authentication for this client SAP but the bridge associated without a "
                  "password",
                  "set auth = \"low\" and the password of this client SAP (Microstar: 1/22222222), or use the "
                  "public client SAP 16; list alternatives in credential_alternatives",
                  true},
    DiagnosisRule{PollFailure::association_rejected, std::nullopt, std::nullopt, std::nullopt,
                  "association_rejected", Severity::error,
                  "the meter rejected the association (AARE result not accepted)",
                  "check the configured address ({address}; Microstar: server logical 0), the address size and "
                  "the client SAP / password pair (1/22222222, 32/11111111, 17/00000000, 16 public); list "
                  "alternatives in credential_alternatives",
                  true},
    DiagnosisRule{PollFailure::access_denied, std::nullopt, std::nullopt, std::nullopt, "access_denied",
                  Severity::warning,
                  "the meter refused to read a register (data-access-result error): the OBIS code does not "
                  "exist on this meter or this client SAP may not read it",
                  "check the register list (Microstar uses channel B=1, e.g. 1-1:32.7.0, not 1-0:...) with "
                  "dlms-bridge read; the public client SAP 16 reads fewer objects than SAP 1",
                  false},
    DiagnosisRule{PollFailure::busy, std::nullopt, std::nullopt, std::nullopt, "busy", Severity::warning,
                  "the meter is busy: another association is open (a second client, or the bridge's previous "
                  "session not yet released)",
                  "stop any other client of this meter; the meter frees a stale session after its 180 s "
                  "inactivity timeout; the bridge waits at least inter_attempt_wait between attempts",
                  false},
    DiagnosisRule{PollFailure::circuit_open, std::nullopt, std::nullopt, std::nullopt, "circuit_open",
                  Severity::critical,
                  "too many reconnects in the last hour: the circuit breaker stopped polling this meter for a "
                  "while",
                  "check the network stability to {host} and the meter's DLMS settings (addresses, credentials), "
                  "raise request_timeout; polling resumes by itself with one probe when the breaker half-opens",
                  false},
};

bool matches(const DiagnosisRule& rule, const FailureFacts& f) {
  if (rule.reason != f.reason) return false;
  if (rule.step && *rule.step != f.step) return false;
  if (rule.tcp_connected && *rule.tcp_connected != f.tcp_connected) return false;
  if (rule.diagnostic && *rule.diagnostic != f.diagnostic) return false;
  return true;
}

std::string fill(std::string_view text, const FailureFacts& f) {
  std::string out;
  out.reserve(text.size() + 32);
  const std::string port = std::to_string(f.port);
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 6, "{host}") == 0) {
      out += f.host.empty() ? std::string("the meter") : f.host;
      i += 6;
    } else if (text.compare(i, 6, "{port}") == 0) {
      out += port;
      i += 6;
    } else if (text.compare(i, 9, "{address}") == 0) {
      out += f.address.empty() ? std::string("see the meter's config") : f.address;
      i += 9;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

}  // namespace

std::span<const DiagnosisRule> diagnosis_rules() { return kRules; }

Diagnosis diagnose(const FailureFacts& facts) {
  for (const DiagnosisRule& rule : kRules) {
    if (!matches(rule, facts)) continue;
    Diagnosis d;
    d.reason = facts.reason;
    d.symptom = rule.symptom;
    d.severity = rule.severity;
    d.explanation = fill(rule.explanation, facts);
    d.action = fill(rule.action, facts);
    if (facts.hdlc) d.explanation += " (HDLC check: " + std::string(labels::to_label(*facts.hdlc)) + ")";
    if (facts.diagnostic >= 0 && facts.reason == PollFailure::association_rejected) {
      d.explanation += " (diagnostic " + std::to_string(facts.diagnostic) + ")";
    }
    d.try_alternative_credentials = rule.try_alternative_credentials && facts.alternatives_configured;
    if (rule.try_alternative_credentials && !facts.alternatives_configured) {
      d.action += "; no credential_alternatives are configured for this meter";
    }
    d.detail = facts.detail;
    return d;
  }
  // Unreachable while the table has a catch-all rule per reason (tested), kept for safety.
  Diagnosis d;
  d.reason = facts.reason;
  d.symptom = labels::to_label(facts.reason);
  d.explanation = "poll failed: " + std::string(labels::to_label(facts.reason));
  d.action = "check the logs of this meter";
  d.detail = facts.detail;
  return d;
}

std::string to_json(const Diagnosis& d, Step step) {
  nlohmann::json j = {{"reason", labels::to_label(d.reason)},
                      {"symptom", d.symptom},
                      {"step", to_label(step)},
                      {"explanation", d.explanation},
                      {"action", d.action}};
  if (!d.detail.empty()) j["detail"] = d.detail;
  return j.dump();
}

}  // namespace bridge::poller
