#include "bridge/poller/store_recorder.h"

#include "bridge/store/store.h"
#include "bridge/wall_clock.h"

namespace bridge::poller {

void StoreRecorder::on_meter_added(std::string_view meter, bool /*paused*/) {
  written_.insert_or_assign(std::string(meter), Written{});
}

void StoreRecorder::on_meter_removed(std::string_view meter) {
  if (auto it = written_.find(meter); it != written_.end()) written_.erase(it);
}

void StoreRecorder::on_hdlc_error(std::string_view meter, labels::HdlcError kind, const std::string* frame_hex) {
  if (!frame_hex) return;  // the error that ended a request: counted, no frame to keep
  store::Diagnostic d;
  d.ts_ms = wall_ms();
  d.meter = std::string(meter);
  d.kind = std::string(labels::to_label(kind));
  d.direction = store::FrameDirection::rx;
  d.frame_hex = *frame_hex;
  d.message = "HDLC error: " + d.kind;
  store_.add_diagnostic(std::move(d));
}

void StoreRecorder::on_protocol_warning(std::string_view meter, const std::string& warning) {
  store::Diagnostic d;
  d.ts_ms = wall_ms();
  d.meter = std::string(meter);
  d.kind = "protocol_warning";
  d.direction = store::FrameDirection::rx;
  d.message = warning;
  store_.add_diagnostic(std::move(d));
}

void StoreRecorder::on_event(const Event& event, std::int64_t repeat_count) { store_.submit_event(event, repeat_count); }

void StoreRecorder::on_status(const MeterStatus& s) {
  auto it = written_.find(s.id);
  if (it == written_.end()) it = written_.emplace(s.id, Written{}).first;
  Written& w = it->second;
  const std::int64_t now = wall_ms();
  const bool state_changed = s.state != w.state;
  const bool new_success = s.last_success_ms > w.success_ms;
  if (!state_changed && !(new_success && now - w.write_ms >= kSuccessWriteEveryMs) && s.last_error == w.error) return;
  store::MeterStatusUpdate u;
  u.meter = s.id;
  u.status = std::string(to_label(s.state));
  u.last_error = s.last_error;
  u.success = new_success;
  u.ts_ms = new_success ? s.last_success_ms : now;
  store_.update_status(std::move(u));
  w.write_ms = now;
  w.state = s.state;
  w.success_ms = s.last_success_ms;
  w.error = s.last_error;
}

}  // namespace bridge::poller
