#include "discovery_attempt.h"

namespace bridge::app {
namespace {

using transport::ErrorKind;
using transport::Step;

constexpr int kDiagnosticAuthenticationFailure = 13;
constexpr int kDiagnosticAuthenticationRequired = 14;

AttemptVerdict verdict(AttemptOutcome outcome, NextStep next, std::string_view what, const transport::Error& e) {
  return {outcome, next, std::string(what) + ": " + e.message};
}

}  // namespace

std::string_view to_label(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::found: return "found";
    case AttemptOutcome::refused: return "refused";
    case AttemptOutcome::unreachable: return "unreachable";
    case AttemptOutcome::silent: return "silent";
    case AttemptOutcome::wrong_address: return "wrong_address";
    case AttemptOutcome::rejected_password: return "rejected_password";
    case AttemptOutcome::rejected: return "rejected";
    case AttemptOutcome::busy: return "busy";
    case AttemptOutcome::closed: return "closed";
    case AttemptOutcome::unreadable: return "unreadable";
    case AttemptOutcome::protocol: return "protocol";
    case AttemptOutcome::stopped: return "stopped";
  }
  return "protocol";
}

AttemptVerdict judge_open_failure(const transport::Error& e, config::Transport transport) {
  const bool linked = e.step == Step::associate || e.step == Step::request || e.step == Step::release;
  // Past the link step the address is right: further tries at it change only the credential.
  const NextStep after = linked ? NextStep::next_credential : NextStep::next_address;
  switch (e.kind) {
    case ErrorKind::cancelled: return verdict(AttemptOutcome::stopped, NextStep::stop, "stopped (--max-time)", e);
    case ErrorKind::refused:
      return verdict(AttemptOutcome::refused, NextStep::stop, "refused (nothing listens on the port)", e);
    case ErrorKind::unreachable: return verdict(AttemptOutcome::unreachable, NextStep::stop, "unreachable", e);
    case ErrorKind::invalid_argument: return verdict(AttemptOutcome::protocol, NextStep::stop, "not tried", e);
    case ErrorKind::timeout:
      if (e.step == Step::connect) return verdict(AttemptOutcome::unreachable, NextStep::stop, "unreachable", e);
      if (e.step == Step::link || transport == config::Transport::wrapper) {
        // A meter ignores frames for an address it does not have: silence may be a wrong address.
        return verdict(AttemptOutcome::silent, NextStep::next_address, "silent (no answer at this address)", e);
      }
      return verdict(AttemptOutcome::silent, after, "silent after the link came up (no AARE)", e);
    case ErrorKind::busy:
      if (e.step == Step::link) {
        return {AttemptOutcome::wrong_address, NextStep::next_address,
                "wrong address: the meter answered DM to SNRM (no logical device at this address, or another "
                "client holds the link)"};
      }
      // Every other attempt would meet the same client: stop instead of pressing the meter.
      return verdict(AttemptOutcome::busy, NextStep::stop, "busy (another client holds the association)", e);
    case ErrorKind::association_rejected:
      if (e.diagnostic == kDiagnosticAuthenticationFailure) {
        return verdict(AttemptOutcome::rejected_password, NextStep::next_credential, "rejected by password", e);
      }
      if (e.diagnostic == kDiagnosticAuthenticationRequired) {
        return verdict(AttemptOutcome::rejected_password, NextStep::next_credential,
                       "rejected (this client needs a password)", e);
      }
      return verdict(AttemptOutcome::rejected, NextStep::next_credential, "rejected (client not accepted)", e);
    case ErrorKind::closed: return verdict(AttemptOutcome::closed, after, "closed by the meter", e);
    case ErrorKind::access_denied:
    case ErrorKind::protocol: return verdict(AttemptOutcome::protocol, after, "protocol error", e);
  }
  return verdict(AttemptOutcome::protocol, after, "protocol error", e);
}

AttemptVerdict judge_list_failure(const transport::Error& e) {
  if (e.kind == ErrorKind::cancelled)
    return verdict(AttemptOutcome::stopped, NextStep::stop, "stopped (--max-time)", e);
  if (e.kind == ErrorKind::access_denied) {
    return verdict(AttemptOutcome::unreadable, NextStep::next_credential,
                   "associated, but this client may not read the object list", e);
  }
  return verdict(e.kind == ErrorKind::timeout ? AttemptOutcome::silent : AttemptOutcome::protocol,
                 NextStep::next_credential, "associated, but the object list could not be read", e);
}

}  // namespace bridge::app
