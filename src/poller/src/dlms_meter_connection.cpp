#include "bridge/poller/dlms_meter_connection.h"
#include "bridge/poller/dlms_endpoint.h"

#include <algorithm>
#include <vector>

#include "bridge/config/address_text.h"
#include "bridge/log.h"
#include "bridge/transport/connection.h"
#include "bridge/hex.h"
#include "bridge/transport/error.h"
#include "dlms/cosem/date_time.h"
#include "dlms/cosem/units.h"
#include "hls_endpoint.h"

namespace bridge::poller {

namespace {

constexpr transport::LogicalName kClock{0, 0, 1, 0, 0, 255};  // class 8, attribute 2 = time

UtcTime utc_now() { return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()); }

ConnectionError to_connection_error(const transport::Error& e) {
  ConnectionError out;
  out.cancelled = e.kind == transport::ErrorKind::cancelled;
  out.reason = transport::to_poll_failure(e);
  out.fatal = e.fatal();
  // Past the TCP connect step the meter's TCP module accepted us: "accepts TCP but silent" is a
  // different diagnosis from "unreachable".
  out.tcp_connected = e.step != transport::Step::connect;
  out.hdlc = e.hdlc;
  out.diagnostic = e.diagnostic;
  out.message = e.message;
  out.frame_hex = e.frame_hex;
  return out;
}

class DlmsMeterConnection final : public MeterConnection {
 public:
  DlmsMeterConnection(asio::any_io_executor ex, const config::MeterConfig& m, const Credential& c, ConnectionObserver obs,
                      store::Store* store)
      : meter_(m.id),
        conn_(std::move(ex), endpoint_of(m, c), timeouts_of(m.qos), make_observer(m.id, c.password, std::move(obs))) {
    conn_.set_invocation_counter_hooks(invocation_counter_hooks(store, m));
    if (log::enabled(log::Level::debug)) {
      config::MeterConfig shown = m;
      shown.client_sap = c.client_sap;
      log::debug("session: connect", {{"meter", meter_}, {"host", m.host}, {"port", m.port},
                                       {"address", config::address_text(shown)},
                                       {"auth", std::string(config::to_string(c.auth))},
                                       {"alternative_credential", c.alternative}});
    }
  }

  // Every step at debug level (`run --log-level debug`), frames too: what `read --verbose`
  // shows for one probe, per meter of the running fleet.
  awaitable<Result<void, ConnectionError>> open() override {
    auto r = co_await conn_.open();
    if (!r) {
      log::debug("session: open failed", {{"meter", meter_}, {"error", r.error().message}});
      co_return fail(to_connection_error(r.error()));
    }
    log::debug("session: associated", {{"meter", meter_}});
    co_return Result<void, ConnectionError>{};
  }

  awaitable<Result<ReadValue, ConnectionError>> read(const config::RegisterConfig& reg) override {
    auto r = co_await conn_.read_register(reg.obis.bytes, reg.class_id, reg.attribute);
    if (!r) {
      log::debug("session: read failed", {{"meter", meter_}, {"register", reg.key}, {"error", r.error().message}});
      co_return fail(to_connection_error(r.error()));
    }
    // The unit as `read` prints it ("V", "Wh"); the DLMS code only when the table has no symbol.
    const auto unit = dlms::cosem::unit_info(static_cast<std::uint8_t>(r->unit));
    log::debug("session: read", {{"meter", meter_}, {"register", reg.key}, {"value", r->value},
                                 {"unit", unit ? std::string(unit->symbol) : std::to_string(r->unit)}});
    ReadValue v;
    v.numeric = r->numeric;
    v.value = r->value;
    v.raw = r->raw;
    v.scaler = r->scaler;
    v.unit = r->unit;
    co_return v;
  }

  awaitable<Result<ClockRead, ConnectionError>> read_clock() override {
    ClockRead out;
    out.sent = utc_now();
    auto v = co_await conn_.get(kClock, 8, 2);
    out.received = utc_now();
    if (!v) co_return fail(to_connection_error(v.error()));
    std::optional<dlms::cosem::DateTime> dt;
    if (const auto* d = v->get_if<dlms::cosem::DateTime>()) dt = *d;
    if (const auto* os = v->get_if<dlms::cosem::OctetString>(); os && os->bytes.size() == 12) {
      if (auto decoded = dlms::cosem::decode_date_time(os->bytes)) dt = *decoded;
    }
    if (!dt) {
      ConnectionError e;
      e.reason = labels::PollFailure::protocol;
      e.fatal = false;
      e.tcp_connected = true;
      e.message = "protocol error: the clock 0-0:1.0.0 attribute 2 is not a date-time";
      co_return fail(std::move(e));
    }
    out.value.deviation = dt->deviation;
    out.value.status = dt->status;
    out.value.text = dlms::cosem::to_iso8601(*dt);
    if (auto utc = dlms::cosem::to_utc(*dt)) out.value.utc = *utc;
    log::debug("session: clock", {{"meter", meter_}, {"clock", out.value.text}});
    co_return out;
  }

  awaitable<Result<void, ConnectionError>> set_clock(const ClockSet& set) override {
    const auto dt = dlms::cosem::from_utc(set.target, set.deviation, set.status);
    const dlms::cosem::Value value = dlms::cosem::OctetString{dlms::cosem::encode_date_time(dt)};
    log::debug("session: set clock", {{"meter", meter_}, {"clock", dlms::cosem::to_iso8601(dt)}});
    auto r = co_await conn_.set(kClock, 8, 2, value);
    if (!r) co_return fail(to_connection_error(r.error()));
    co_return Result<void, ConnectionError>{};
  }

  void set_request_timeout(Duration timeout) override { conn_.set_request_timeout(timeout); }

  awaitable<void> close() override {
    log::debug("session: release", {{"meter", meter_}});
    co_await conn_.close();
  }
  void cancel() override { conn_.cancel(); }
  bool is_open() const override { return conn_.is_open(); }
  TimePoint last_activity() const override { return conn_.last_activity(); }
  transport::DlmsConnection* dlms_connection() override { return &conn_; }

 private:
  static transport::FrameObserver make_observer(const std::string& meter, const std::string& password,
                                                ConnectionObserver obs) {
    transport::FrameObserver fo;
    // Decided when the connection is made: no hex formatting at all unless debug logging is on. The
    // AARQ carries the LLS password in clear: it is masked ("2A" = '*') before it reaches a log.
    if (log::enabled(log::Level::debug)) {
      fo.on_frame = [meter, password](bool tx, std::span<const std::uint8_t> frame) {
        std::vector<std::uint8_t> shown(frame.begin(), frame.end());
        if (tx && !password.empty()) {
          auto it = std::search(shown.begin(), shown.end(), password.begin(), password.end(),
                                [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); });
          if (it != shown.end()) std::fill_n(it, password.size(), std::uint8_t{'*'});
        }
        log::debug("frame", {{"meter", meter}, {"dir", tx ? "tx" : "rx"},
                             {"hex", bridge::to_hex(shown)}});
      };
    }
    if (obs.on_protocol_warning) fo.on_protocol_warning = std::move(obs.on_protocol_warning);
    if (obs.on_response_time) fo.on_response_time = std::move(obs.on_response_time);
    if (obs.on_garbage) fo.on_garbage = std::move(obs.on_garbage);
    if (obs.on_hdlc_error) {
      fo.on_hdlc_error = [cb = std::move(obs.on_hdlc_error)](labels::HdlcError kind,
                                                              std::span<const std::uint8_t> raw) {
        cb(kind, bridge::to_hex(raw));
      };
    }
    return fo;
  }

  std::string meter_;
  transport::DlmsConnection conn_;
};

}  // namespace

transport::MeterEndpoint endpoint_of(const config::MeterConfig& m, const Credential& c) {
  transport::MeterEndpoint ep;
  ep.host = m.host;
  ep.port = m.port;
  ep.release = m.release;
  ep.kind = m.transport == config::Transport::wrapper ? transport::MeterEndpoint::Kind::wrapper
                                                      : transport::MeterEndpoint::Kind::hdlc;
  ep.client_sap = c.client_sap;
  ep.server_logical = m.server_logical;
  ep.server_physical = m.server_physical;
  ep.address_size = m.address_size;
  ep.auth = c.auth == config::Auth::low ? transport::MeterEndpoint::Auth::low : transport::MeterEndpoint::Auth::none;
  ep.password = c.password;
  if (c.auth == config::Auth::hls_gmac) {
    ep.auth = transport::MeterEndpoint::Auth::hls_gmac;
    ep.hls = hls_settings_of(m);
  }
  ep.wrapper_client_wport = c.client_sap;
  ep.wrapper_server_wport = m.server_logical;
  return ep;
}

transport::Timeouts timeouts_of(const config::QosConfig& q) {
  transport::Timeouts t;
  t.connect = q.connect_timeout;
  t.request = q.request_timeout;
  t.disc = q.disc_timeout;
  t.drain_on_connect = q.drain_on_connect;
  return t;
}

ConnectionFactory dlms_connection_factory(store::Store* store) {
  return [store](asio::any_io_executor ex, const config::MeterConfig& m, const Credential& c, ConnectionObserver obs) {
    return std::make_unique<DlmsMeterConnection>(std::move(ex), m, c, std::move(obs), store);
  };
}

}  // namespace bridge::poller
