#pragma once
// What a MeterSession needs to backfill a meter's load profiles ([[meter.profile]]): one call per
// due profile on the session's open association, between poll cycles. The implementation
// (the app's ProfileBackfill) plans the ranges from the progress mark, reads them and hands the
// rows to the MQTT outbox; the session only decides when (next_profile_read in
// backfill_planner.h) and what a failure means for the association.
#include <cstddef>
#include <optional>
#include <string>

#include "bridge/asio.h"
#include "bridge/config/config.h"
#include "bridge/labels.h"

namespace bridge::transport {
class DlmsConnection;
}

namespace bridge::poller {

struct ProfileReadOutcome {
  bool ok = false;
  bool link_broken = false;  // the association is unusable (timeout, closed): reconnect
  std::size_t rows = 0;      // rows read and handed to the outbox
  std::string error;         // why it failed (ok == false)
  // Why, as a bounded label (labels::kProfileReadFailures): what the session counts in
  // poll_failures_total{reason} when the failure broke the association, so that a profile read
  // that lost the connection is `closed`, not `timeout`.
  labels::PollFailure reason = labels::PollFailure::protocol;
  std::optional<labels::HdlcError> hdlc;  // the HDLC error behind it, when a frame was at fault
};

class ProfileReader {
 public:
  virtual ~ProfileReader() = default;
  // Runs on the io_context thread; `connection` is the session's open association.
  virtual awaitable<ProfileReadOutcome> read(transport::DlmsConnection& connection,
                                             const config::MeterConfig& meter,
                                             const config::ProfileConfig& profile) = 0;
};

}  // namespace bridge::poller
