#pragma once
// Runtime control of a running simulator (the `--control HOST:PORT` endpoint), as a pure
// request -> response function over the Fleet. ControlServer (control_server.h) carries it over
// HTTP; it always runs on the simulator's io_context thread, so it may touch meters directly.
//
//   GET  /-/healthy                        200 "ok"
//   GET  /api/v1/meters                    {"meters":[METER,...]}
//   GET  /api/v1/meters/{id}               METER
//   GET  /api/v1/meters/{id}/counts        {"refuse":0,"close_on_accept":0,...}  (every fault kind)
//   GET  /api/v1/counts                    {"total":{KIND:n,...},"meters":{"ID":{KIND:n,...},...}}
//                                          (meters with at least one injected fault)
//   POST /api/v1/meters/{id}/faults        body {"corrupt_fcs":0.5,...} merged into the settings -> METER
//   POST /api/v1/faults                    same body, applied to every meter -> {"meters":N}
//   POST /api/v1/meters/{id}/reset         all faults off, silence ended (counts kept) -> METER
//   POST /api/v1/reset                     same for every meter -> {"meters":N}
//   POST /api/v1/meters/{id}/disconnect    closes the meter's TCP connections now -> {"closed":n}
// METER = {"id","physical_address","port","serial","profile","silent","associated",
//          "open_connections","faults":{KEY:value,...},"counts":{KIND:n,...},"stats":{...}}
// Errors: 400 {"error":"..."} (bad JSON, bad fault key/value), 404 unknown meter or path,
// 405 wrong method.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sim {

class Fleet;
class Meter;

struct ControlResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// What the control API needs from the network side.
struct ControlHooks {
  std::function<void(Meter&)> faults_changed;          // e.g. open/close a per-meter listener
  std::function<std::size_t(Meter&)> disconnect;       // close the meter's connections; returns how many
  std::function<std::uint16_t(const Meter&)> port_of;  // the TCP port that serves the meter
};

class ControlApi {
 public:
  ControlApi(Fleet& fleet, ControlHooks hooks);
  ControlResponse handle(std::string_view method, std::string_view path, std::string_view body);

 private:
  Fleet& fleet_;
  ControlHooks hooks_;
};

}  // namespace sim
