#pragma once
// What the store keeps of the sessions' reports: events (already throttled), the frames of HDLC
// errors (diagnostics table), and each meter's inventory row (status, last success, last error).
//
// Inventory rows follow state changes, error changes and new successes, the latter at most once
// a minute per meter: 1000 meters at 1 s would otherwise be 1000 writes/s for nothing.
#include <cstdint>
#include <map>
#include <string>

#include "bridge/poller/session_observer.h"

namespace bridge::store {
class Store;
}

namespace bridge::poller {

class StoreRecorder final : public SessionObserver {
 public:
  explicit StoreRecorder(store::Store& store) : store_(store) {}

  void on_meter_added(std::string_view meter, bool paused) override;
  void on_meter_removed(std::string_view meter) override;
  void on_hdlc_error(std::string_view meter, labels::HdlcError kind, const std::string* frame_hex) override;
  // A tolerated protocol anomaly is a diagnostics row (kind protocol_warning), like a bad frame.
  void on_protocol_warning(std::string_view meter, const std::string& warning) override;
  void on_event(const Event& event, std::int64_t repeat_count) override;
  void on_status(const MeterStatus& status) override;

  static constexpr std::int64_t kSuccessWriteEveryMs = 60000;

 private:
  // What the meter's row last said.
  struct Written {
    MeterState state = MeterState::stopped;
    std::int64_t success_ms = 0;
    std::int64_t write_ms = 0;
    std::string error;
  };

  store::Store& store_;
  std::map<std::string, Written, std::less<>> written_;
};

}  // namespace bridge::poller
