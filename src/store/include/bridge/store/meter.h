#pragma once
// Meter inventory rows: what config says (synced), plus state that must survive a restart
// (paused flag) and the last known status for the API/status page.
#include <cstdint>
#include <string>

namespace bridge::store {

// One [[meter]] entry as the config layer sees it. `addressing` is free text chosen by the
// caller (e.g. "client_sap=1 server_logical=1 server_physical=0 address_size=1"); the store
// only keeps it for display and change detection.
struct MeterInventory {
  std::string id;
  std::string host;
  int port = 0;
  std::string transport;  // "hdlc" | "wrapper"
  std::string addressing;
  bool enabled = true;
};

struct MeterRecord {
  std::string id;
  std::string host;
  int port = 0;
  std::string transport;
  std::string addressing;
  bool enabled = true;
  bool paused = false;     // operator pause; kept across restarts and config syncs
  bool removed = false;    // no longer in the config (row kept for history; status "removed")
  std::string status;      // free text set by the poller ("unknown" until the first update)
  std::int64_t last_seen_ms = 0;     // last status update (0 = never)
  std::int64_t last_success_ms = 0;  // last successful poll (0 = never)
  std::string last_error;            // last non-empty error text
  std::int64_t updated_ms = 0;       // last change of this row
};

// Poller -> store, asynchronous. Sets status and last_seen_ms = ts_ms; when success is true
// also last_success_ms = ts_ms. last_error is replaced only when non-empty (the last error
// stays visible after recovery). Updates for meters not in the inventory are ignored.
struct MeterStatusUpdate {
  std::string meter;
  std::string status;
  std::string last_error;
  std::int64_t ts_ms = 0;
  bool success = false;
};

struct SyncCounts {
  std::int64_t added = 0;    // new ids
  std::int64_t updated = 0;  // existing ids whose config changed (or that came back)
  std::int64_t removed = 0;  // ids no longer in the list, now marked removed
};

}  // namespace bridge::store
