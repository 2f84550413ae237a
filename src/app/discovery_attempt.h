#pragma once
// One `discover` attempt's result in the operator's words, and what it means for the next try:
// a refused or unreachable port, or a meter busy with another client, ends the search; a silent
// or wrong address moves on to the next address form, a rejected credential to the next
// credential at the same address.
#include <string>
#include <string_view>

#include "bridge/config/config.h"
#include "bridge/transport/error.h"

namespace bridge::app {

enum class AttemptOutcome {
  found,              // associated and the object list was read
  refused,            // TCP connection refused: nothing listens on the port
  unreachable,        // no TCP connection (no route, name does not resolve, connect timeout)
  silent,             // connected, but no answer to SNRM (or, wrapper, to the AARQ)
  wrong_address,      // the meter answered DM to SNRM: no logical device at this address
  rejected_password,  // AARE: authentication failure or required
  rejected,           // AARE: rejected for another reason (client SAP not accepted, ...)
  busy,               // AARE rejected-transient: another client holds the association
  closed,             // the meter closed the connection
  unreadable,         // associated, but the object list cannot be read with this client
  protocol,           // anything else the meter answered that made no sense
  stopped,            // --max-time reached (the attempt was cancelled)
};

// "found", "refused", "silent", "wrong_address", "rejected_password", ... (JSON `result`).
std::string_view to_label(AttemptOutcome outcome);

enum class NextStep { next_credential, next_address, stop };

struct AttemptVerdict {
  AttemptOutcome outcome = AttemptOutcome::protocol;
  NextStep next = NextStep::next_credential;
  std::string text;  // "rejected by password: association rejected: authentication failure (diagnostic 13)"
};

// Judges a failed open() (TCP connect, link, association).
AttemptVerdict judge_open_failure(const transport::Error& error, config::Transport transport);

// Judges a failed object-list read after a successful association.
AttemptVerdict judge_list_failure(const transport::Error& error);

}  // namespace bridge::app
