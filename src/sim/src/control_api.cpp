#include "sim/control_api.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

#include "sim/fleet.h"

namespace sim {
namespace {

using nlohmann::json;

ControlResponse reply(int status, const json& body) {
  return {status, "application/json", body.dump()};
}
ControlResponse error(int status, const std::string& message) {
  return reply(status, json{{"error", message}});
}

json faults_json(const FaultSettings& f) {
  return json{{"refuse", f.refuse},
              {"close_on_accept", f.close_on_accept},
              {"silent", f.silent},
              {"delay_ms", f.delay.count()},
              {"delay_jitter_ms", f.delay_jitter.count()},
              {"drop_mid_frame", f.drop_mid_frame},
              {"corrupt_hcs", f.corrupt_hcs},
              {"corrupt_fcs", f.corrupt_fcs},
              {"garbage", f.garbage},
              {"garbage_bytes", f.garbage_bytes},
              {"value_7e", f.value_7e},
              {"split_writes", f.split_writes},
              {"reject_association", std::string(to_label(f.reject_association))},
              {"silent_after", f.silent_after},
              {"disconnect", f.disconnect},
              {"clock_offset_s", f.clock_offset_s},
              {"clock_drift_ppm", f.clock_drift_ppm},
              {"clock_trailing_bytes", f.clock_trailing_bytes}};
}

json counts_json(const FaultCounters& c) {
  json out = json::object();
  for (auto kind : kFaultKinds) out[std::string(to_label(kind))] = c.get(kind);
  return out;
}

json stats_json(const MeterStats& s) {
  return json{{"connections", s.connections},     {"frames_received", s.frames_received},
              {"frames_sent", s.frames_sent},     {"bad_frames", s.bad_frames},
              {"frmr_sent", s.frmr_sent},         {"dm_sent", s.dm_sent},
              {"associations", s.associations},   {"rejected_password", s.rejected_password},
              {"rejected_busy", s.rejected_busy}, {"releases", s.releases},
              {"get_requests", s.get_requests},   {"idle_timeouts", s.idle_timeouts},
              {"peak_open_connections", s.peak_open_connections},
              {"set_requests", s.set_requests},   {"clock_sets", s.clock_sets},
              {"profile_reads", s.profile_reads}, {"profile_open_ended_reads", s.profile_open_ended_reads},
              {"hls_rejected", s.hls_rejected},   {"hls_general_glo_requests", s.hls_general_glo_requests},
              {"hls_ciphered_releases", s.hls_ciphered_releases}};
}

// Converts one JSON member into the FaultValue apply_fault expects.
bool to_fault_value(const json& v, FaultValue& out) {
  if (v.is_boolean()) {
    out = FaultValue::of(v.get<bool>());
  } else if (v.is_number_integer()) {
    out = FaultValue::of(v.get<std::int64_t>());
  } else if (v.is_number()) {
    out = FaultValue::of(v.get<double>());
  } else if (v.is_string()) {
    out = FaultValue::of(v.get<std::string>());
  } else {
    return false;
  }
  return true;
}

// Validates the whole body against a copy first, so a bad key changes nothing.
bridge::Result<FaultSettings, std::string> merged(const FaultSettings& base, std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    return bridge::fail(std::string("body must be a JSON object of fault keys"));
  FaultSettings next = base;
  for (const auto& [key, value] : parsed.items()) {
    FaultValue fv;
    if (!to_fault_value(value, fv)) return bridge::fail(key + ": unsupported JSON value");
    if (auto r = apply_fault(next, key, fv); !r) return bridge::fail(r.error());
  }
  return next;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

ControlApi::ControlApi(Fleet& fleet, ControlHooks hooks) : fleet_(fleet), hooks_(std::move(hooks)) {}

ControlResponse ControlApi::handle(std::string_view method, std::string_view path, std::string_view body) {
  auto meter_json = [this](const Meter& m) {
    return json{{"id", m.id()},
                {"physical_address", m.physical_address()},
                {"port", hooks_.port_of ? hooks_.port_of(m) : 0},
                {"serial", m.serial_number()},
                {"profile", std::string(to_label(m.profile().kind))},
                {"silent", m.is_silent()},
                {"associated", m.association_owner() != nullptr},
                {"open_connections", m.open_connections},
                {"faults", faults_json(m.faults())},
                {"counts", counts_json(m.counts())},
                {"stats", stats_json(m.stats())}};
  };
  auto set_faults = [this](Meter& m, const FaultSettings& next) {
    bool silent_after_changed = next.silent_after != m.faults().silent_after;
    m.faults() = next;
    if (silent_after_changed) m.restart_request_count();
    if (hooks_.faults_changed) hooks_.faults_changed(m);
  };

  if (path == "/-/healthy") {
    if (method != "GET") return error(405, "use GET");
    return {200, "text/plain", "ok\n"};
  }
  auto parts = split_path(path);
  if (parts.size() < 3 || parts[0] != "api" || parts[1] != "v1") return error(404, "no such path");

  if (parts.size() == 3 && parts[2] == "meters") {
    if (method != "GET") return error(405, "use GET");
    json list = json::array();
    for (const auto& m : fleet_) list.push_back(meter_json(*m));
    return reply(200, json{{"meters", std::move(list)}});
  }
  if (parts.size() == 3 && parts[2] == "counts") {
    if (method != "GET") return error(405, "use GET");
    FaultCounters total;
    json meters = json::object();
    for (const auto& m : fleet_) {
      total += m->counts();
      if (m->counts().total() > 0) meters[std::to_string(m->id())] = counts_json(m->counts());
    }
    return reply(200, json{{"total", counts_json(total)}, {"meters", std::move(meters)}});
  }
  if (parts.size() == 3 && (parts[2] == "faults" || parts[2] == "reset")) {
    if (method != "POST") return error(405, "use POST");
    if (parts[2] == "faults") {
      // Validate once against defaults, then merge into each meter's own settings.
      if (auto probe = merged(FaultSettings{}, body); !probe) return error(400, probe.error());
      for (auto& m : fleet_) set_faults(*m, *merged(m->faults(), body));
    } else {
      for (auto& m : fleet_) {
        m->reset();
        if (hooks_.faults_changed) hooks_.faults_changed(*m);
      }
    }
    return reply(200, json{{"meters", fleet_.size()}});
  }
  if (parts[2] != "meters" || parts.size() < 4 || parts.size() > 5) return error(404, "no such path");

  std::uint32_t id = 0;
  auto text = parts[3];
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  Meter* meter = (ec == std::errc() && ptr == text.data() + text.size()) ? fleet_.find(id) : nullptr;
  if (!meter)
    return error(404, "no meter \"" + std::string(text) + "\" (fleet is 1.." + std::to_string(fleet_.size()) + ")");

  if (parts.size() == 4) {
    if (method != "GET") return error(405, "use GET");
    return reply(200, meter_json(*meter));
  }
  auto action = parts[4];
  if (action == "counts") {
    if (method != "GET") return error(405, "use GET");
    return reply(200, counts_json(meter->counts()));
  }
  if (action == "faults") {
    if (method == "GET") return reply(200, faults_json(meter->faults()));
    if (method != "POST") return error(405, "use GET or POST");
    auto next = merged(meter->faults(), body);
    if (!next) return error(400, next.error());
    set_faults(*meter, *next);
    return reply(200, meter_json(*meter));
  }
  if (action == "reset") {
    if (method != "POST") return error(405, "use POST");
    meter->reset();
    if (hooks_.faults_changed) hooks_.faults_changed(*meter);
    return reply(200, meter_json(*meter));
  }
  if (action == "disconnect") {
    if (method != "POST") return error(405, "use POST");
    std::size_t closed = hooks_.disconnect ? hooks_.disconnect(*meter) : 0;
    return reply(200, json{{"closed", closed}});
  }
  return error(404, "no such path");
}

}  // namespace sim
