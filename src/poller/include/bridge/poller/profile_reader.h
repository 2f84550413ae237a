#pragma once
// What a MeterSession needs to backfill a meter's load profiles ([[meter.profile]]): one call per
// due profile on the session's open association, between poll cycles. The implementation
// (the app's ProfileBackfill) plans the ranges from the progress mark, reads them and hands the
// rows to the MQTT outbox; the session only decides when (next_profile_read in
// backfill_planner.h) and what a failure means for the association.
#include <cstddef>
#include <optional>

#include "bridge/asio.h"
#include "bridge/config/config.h"

namespace bridge::transport {
class DlmsConnection;
}

namespace bridge::poller {

struct ProfileReadOutcome {
  bool ok = false;
  bool link_broken = false;  // the association is unusable (timeout, closed): reconnect
  std::size_t rows = 0;      // rows read and handed to the outbox
  std::string error;         // why it failed (ok == false)
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
