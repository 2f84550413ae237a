// DlmsConnection: drives the sans-I/O HDLC link (or wrapper) and the COSEM client over one
// socket, with a deadline per step. Over 400 lines because every step (connect, associate,
// HLS-GMAC invocation counter, get/set, object list, release) is a coroutine over the same
// Impl state; splitting them would scatter one state machine's single owner.
#include "bridge/transport/connection.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "apdu_channel.h"
#include "dlms/cosem/client.h"
#include "dlms/cosem/register.h"
#include "dlms/hdlc/address.h"
#include "hdlc_channel.h"
#include "hls_association.h"
#include "wrapper_channel.h"

namespace bridge::transport {

namespace cosem = dlms::cosem;
using detail::Clock;

namespace {

constexpr std::size_t kDrainLimit = 64 * 1024;  // give up draining a peer that never stops talking

bool has_scaler_unit(int class_id) { return class_id == 3 || class_id == 4 || class_id == 5; }

std::string describe_attribute(const LogicalName& ln, int class_id, int attribute) {
  return obis_text(ln) + " class " + std::to_string(class_id) + " attribute " + std::to_string(attribute);
}

std::string spaced(std::string_view label) {
  std::string s(label);
  for (auto& c : s) {
    if (c == '_') c = ' ';
  }
  return s;
}

// "association rejected: authentication failure (diagnostic 13)"
Error client_failed(const cosem::ClientFailed& f, Step step, const detail::What& what) {
  Error e = make_error(ErrorKind::protocol, step, {});
  switch (f.reason) {
    case cosem::FailReason::association_rejected:
      e.kind = ErrorKind::association_rejected;
      if (f.association_result == cosem::AssociationResult::rejected_transient) {
        // Transient rejection: the meter serves one association at a time and another client has it.
        e.kind = ErrorKind::busy;
        e.diagnostic = f.diagnostic.value_or(-1);
        e.message = "association rejected (transient): meter busy, another association is open" +
                    (f.diagnostic ? " (diagnostic " + std::to_string(*f.diagnostic) + ")" : std::string());
        return e;
      }
      if (f.diagnostic) {
        e.diagnostic = *f.diagnostic;
        e.message = "association rejected: " +
                    spaced(cosem::diagnostic_label(cosem::DiagnosticSource::user, *f.diagnostic)) + " (diagnostic " +
                    std::to_string(*f.diagnostic) + ")";
      } else {
        e.message = "association rejected: " + f.message;
      }
      return e;
    case cosem::FailReason::authentication:
      // HLS-GMAC: a tag that does not verify, a replayed counter, a refused f(StoC). While
      // associating it is a rejected association (the keys are wrong); later a protocol error.
      e.kind = step == Step::associate ? ErrorKind::association_rejected : ErrorKind::protocol;
      e.message = "authentication failed in " + what.str() + ": " + f.message;
      return e;
    case cosem::FailReason::timeout:
      e.kind = ErrorKind::timeout;
      e.message = "timeout: no " + what.str() + " (" + f.message + ")";
      return e;
    case cosem::FailReason::exception:
      e.message = "protocol error: meter answered " + what.str() + " with an exception: " + f.message;
      return e;
    case cosem::FailReason::protocol:
      e.message = "protocol error in " + what.str() + ": " + f.message;
      return e;
  }
  return e;
}

}  // namespace

struct DlmsConnection::Impl {
  Impl(asio::any_io_executor ex, MeterEndpoint ep, Timeouts t, FrameObserver obs)
      : executor(ex), endpoint(std::move(ep)), timeouts(t), observer(std::move(obs)), stream(std::move(ex)) {}

  awaitable<Result<void, Error>> open();
  awaitable<Result<void, Error>> drain();
  awaitable<Result<std::uint32_t, Error>> prepare_invocation_counter();
  void reserve_invocation_counters();
  awaitable<Result<cosem::ClientEvent, Error>> drive(Step step, detail::What what);
  awaitable<Result<cosem::Value, Error>> get(const LogicalName& ln, int class_id, int attribute,
                                             std::optional<cosem::SelectiveAccess> access = std::nullopt);
  awaitable<Result<void, Error>> set(const LogicalName& ln, int class_id, int attribute, cosem::Value value);
  awaitable<Result<RegisterRead, Error>> read_register(const LogicalName& ln, int class_id, int attribute);
  awaitable<Result<std::vector<ObjectListEntry>, Error>> object_list();
  awaitable<void> close();
  std::optional<Error> validate() const;

  asio::any_io_executor executor;
  MeterEndpoint endpoint;
  Timeouts timeouts;
  FrameObserver observer;
  TcpStream stream;
  ConnectionStats stats;
  Clock::time_point opened_at{};
  Clock::time_point last_activity{};
  std::unique_ptr<detail::ApduChannel> channel;
  std::optional<cosem::Client> client;
  std::map<std::pair<int, LogicalName>, cosem::ScalerUnit> scalers;  // per association
  bool open_ = false;
  // HLS-GMAC: the next invocation counter (carried across reconnects of this connection) and
  // the bound promised to the hooks (saved ahead, see InvocationCounterHooks).
  InvocationCounterHooks counter_hooks;
  std::uint32_t next_ic = 1;
  std::uint32_t reserved_ic = 0;
};

std::optional<Error> DlmsConnection::Impl::validate() const {
  if (endpoint.kind == MeterEndpoint::Kind::hdlc) {
    if (!dlms::hdlc::encode_server_address({endpoint.server_logical, endpoint.server_physical,
                                            static_cast<std::uint8_t>(endpoint.address_size)})) {
      return make_error(ErrorKind::invalid_argument, Step::connect,
                        "server address logical " + std::to_string(endpoint.server_logical) + " / physical " +
                            std::to_string(endpoint.server_physical) + " does not fit " +
                            std::to_string(endpoint.address_size) + " byte(s)");
    }
    if (!dlms::hdlc::encode_client_address(endpoint.client_sap)) {
      return make_error(ErrorKind::invalid_argument, Step::connect,
                        "client SAP " + std::to_string(endpoint.client_sap) + " is out of range 0..127");
    }
  }
  if (endpoint.auth == MeterEndpoint::Auth::hls_gmac) {
    if (auto c = detail::ciphering_config(endpoint.hls, 1); !c) return c.error();
  }
  if (endpoint.auth == MeterEndpoint::Auth::low && (endpoint.password.empty() || endpoint.password.size() > 64)) {
    return make_error(ErrorKind::invalid_argument, Step::connect, "LLS needs a password of 1..64 bytes");
  }
  return std::nullopt;
}

awaitable<Result<void, Error>> DlmsConnection::Impl::drain() {
  // Bytes that arrive unasked right after connect (a previous session's late replies, a modem
  // banner) would otherwise be mistaken for answers: read and drop them until the line is quiet.
  std::array<std::uint8_t, 1024> buf{};
  while (stats.drained_bytes < kDrainLimit) {
    auto n = co_await stream.read_some(buf, timeouts.drain_on_connect, Step::drain);
    if (!n) {
      if (n.error().kind == ErrorKind::timeout) break;  // quiet: done
      co_return fail(n.error());
    }
    stats.drained_bytes += *n;
    if (observer.on_hdlc_error) observer.on_hdlc_error(labels::HdlcError::format, std::span(buf.data(), *n));
  }
  co_return Result<void, Error>{};
}

awaitable<Result<void, Error>> DlmsConnection::Impl::open() {
  co_await close();
  stats = {};
  scalers.clear();
  if (auto bad = validate()) co_return fail(*bad);

  std::optional<cosem::CipheringConfig> ciphering;
  if (endpoint.auth == MeterEndpoint::Auth::hls_gmac) {
    auto ic = co_await prepare_invocation_counter();
    if (!ic) co_return fail(ic.error());
    auto c = detail::ciphering_config(endpoint.hls, *ic);
    if (!c) co_return fail(c.error());
    ciphering = std::move(*c);
  }

  if (auto c = co_await stream.connect(endpoint.host, endpoint.port, timeouts.connect); !c) co_return fail(c.error());
  last_activity = Clock::now();
  if (timeouts.drain_on_connect.count() > 0) {
    if (auto d = co_await drain(); !d) {
      stream.close();
      co_return fail(d.error());
    }
  }

  detail::ChannelContext ctx{stream, observer, stats, last_activity};
  if (endpoint.kind == MeterEndpoint::Kind::hdlc) {
    channel = std::make_unique<detail::HdlcChannel>(ctx, endpoint, timeouts);
  } else {
    channel = std::make_unique<detail::WrapperChannel>(ctx, endpoint);
  }
  if (auto l = co_await channel->open(timeouts.request); !l) {
    co_await close();
    co_return fail(l.error());
  }

  cosem::ClientConfig cfg;
  if (endpoint.auth == MeterEndpoint::Auth::low) {
    cfg.mechanism = cosem::Mechanism::lls;
    cfg.password = dlms::Bytes(endpoint.password.begin(), endpoint.password.end());
  } else if (ciphering) {
    cfg.mechanism = cosem::Mechanism::hls_gmac;
    cfg.ciphering = std::move(ciphering);
  }
  cfg.response_timeout = std::nullopt;  // deadlines are ours (per step), not the client's
  cfg.use_get_with_list = false;        // one attribute per request; the Microstar has no multiple-references
  client.emplace(cfg);
  if (auto a = client->associate(Clock::now()); !a) {
    co_await close();
    co_return fail(make_error(ErrorKind::protocol, Step::associate,
                              "cannot start the association: " + std::string(cosem::to_label(a.error()))));
  }
  auto ev = co_await drive(Step::associate, detail::What{"AARE to AARQ"});
  if (!ev) {
    co_await close();
    co_return fail(ev.error());
  }
  if (!std::holds_alternative<cosem::Associated>(*ev)) {
    co_await close();
    co_return fail(make_error(ErrorKind::protocol, Step::associate, "unexpected event while associating"));
  }
  open_ = true;
  opened_at = Clock::now();
  co_return Result<void, Error>{};
}

awaitable<Result<cosem::ClientEvent, Error>> DlmsConnection::Impl::drive(Step step, detail::What what) {
  auto deadline = Clock::now() + timeouts.request;
  auto sent_at = Clock::now();
  for (;;) {
    while (auto apdu = client->poll_transmit()) {
      reserve_invocation_counters();  // before the counter goes on the wire
      constexpr std::uint8_t kGetRequest = 0xC0;
      if (!apdu->empty() && (*apdu)[0] == kGetRequest) ++stats.requests;
      if (auto s = co_await channel->send(*apdu, step, timeouts.request); !s) {
        open_ = false;
        co_return fail(s.error());
      }
      sent_at = Clock::now();
      deadline = sent_at + timeouts.request;  // each request (each block) gets the full deadline
    }
    if (auto ev = client->poll_event()) {
      if (auto* f = std::get_if<cosem::ClientFailed>(&*ev)) {
        open_ = false;
        co_return fail(client_failed(*f, step, what));
      }
      co_return std::move(*ev);
    }
    auto apdu = co_await channel->receive(step, deadline, timeouts.request, what);
    if (!apdu) {
      open_ = false;
      co_return fail(apdu.error());
    }
    // The Client drops replies to an older request (late answer after a timeout, duplicate)
    // instead of failing the session; count what it dropped.
    const auto received_at = Clock::now();
    const auto stale_before = client->stale_responses();
    client->handle_apdu(*apdu, received_at);
    const bool stale = client->stale_responses() != stale_before;
    stats.stale_discarded += client->stale_responses() - stale_before;
    if (!stale && observer.on_response_time) {
      observer.on_response_time(std::chrono::duration_cast<std::chrono::milliseconds>(received_at - sent_at));
    }
  }
}

awaitable<Result<std::uint32_t, Error>> DlmsConnection::Impl::prepare_invocation_counter() {
  std::uint32_t ic = std::max<std::uint32_t>(next_ic, 1);
  if (counter_hooks.load) {
    if (auto stored = counter_hooks.load()) ic = std::max(ic, *stored);
  }
  if (endpoint.hls.invocation_counter_obis) {
    auto meter = co_await detail::read_invocation_counter(executor, endpoint, timeouts, observer);
    if (!meter) co_return fail(meter.error());
    if (*meter == 0xFFFFFFFF) {
      co_return fail(make_error(ErrorKind::association_rejected, Step::associate,
                                "HLS-GMAC: the meter's invocation counter is exhausted: the keys must be changed"));
    }
    ic = std::max(ic, *meter + 1);
  }
  next_ic = ic;
  co_return ic;
}

void DlmsConnection::Impl::reserve_invocation_counters() {
  if (!client || endpoint.auth != MeterEndpoint::Auth::hls_gmac) return;
  next_ic = client->invocation_counter();
  if (!counter_hooks.save) return;
  // Save well ahead (half a reserve of margin), so an asynchronous save has committed long
  // before the counters it covers are used, and a restart continues above them.
  if (next_ic + kInvocationCounterReserve / 2 <= reserved_ic && reserved_ic != 0) return;
  const std::uint64_t ahead = std::uint64_t{next_ic} + kInvocationCounterReserve;
  reserved_ic = static_cast<std::uint32_t>(std::min<std::uint64_t>(ahead, 0xFFFFFFFF));
  counter_hooks.save(reserved_ic);
}

awaitable<Result<cosem::Value, Error>> DlmsConnection::Impl::get(const LogicalName& ln, int class_id, int attribute,
                                                                 std::optional<cosem::SelectiveAccess> access) {
  const detail::What what{"reply to GET", &ln, class_id, attribute};
  if (!open_ || !client) {
    co_return fail(make_error(ErrorKind::closed, Step::request, "not connected (" + what.str() + " not sent)"));
  }
  if (class_id < 0 || class_id > 0xFFFF || attribute < -128 || attribute > 127) {
    co_return fail(make_error(ErrorKind::invalid_argument, Step::request, "bad attribute " + what.str()));
  }
  cosem::AttributeDescriptor d;
  d.class_id = static_cast<std::uint16_t>(class_id);
  d.obis.bytes = ln;
  d.attribute = static_cast<std::int8_t>(attribute);
  d.access = std::move(access);
  if (auto g = client->get(d, Clock::now()); !g) {
    co_return fail(make_error(ErrorKind::protocol, Step::request,
                              "cannot send GET: " + std::string(cosem::to_label(g.error()))));
  }
  auto ev = co_await drive(Step::request, what);
  if (!ev) co_return fail(ev.error());
  auto* result = std::get_if<cosem::GetResult>(&*ev);
  if (!result) co_return fail(make_error(ErrorKind::protocol, Step::request, "unexpected event for " + what.str()));
  if (auto* dar = std::get_if<cosem::DataAccessResult>(&result->result)) {
    Error e = make_error(ErrorKind::access_denied, Step::request,
                         "access error: " + spaced(cosem::to_label(*dar)) + " (" + std::to_string(static_cast<int>(*dar)) +
                             ") reading " + describe_attribute(ln, class_id, attribute));
    e.access_result = static_cast<int>(*dar);
    co_return fail(std::move(e));
  }
  if (result->trailing_bytes > 0) {
    ++stats.protocol_warnings;
    if (observer.on_protocol_warning) {
      observer.on_protocol_warning(std::to_string(result->trailing_bytes) + " byte(s) after the complete value of " +
                                   what.str() + " (ignored)");
    }
  }
  co_return std::move(std::get<cosem::Value>(result->result));
}

awaitable<Result<void, Error>> DlmsConnection::Impl::set(const LogicalName& ln, int class_id, int attribute,
                                                         cosem::Value value) {
  const detail::What what{"reply to SET", &ln, class_id, attribute};
  if (!open_ || !client) {
    co_return fail(make_error(ErrorKind::closed, Step::request, "not connected (" + what.str() + " not sent)"));
  }
  if (class_id < 0 || class_id > 0xFFFF || attribute < -128 || attribute > 127) {
    co_return fail(make_error(ErrorKind::invalid_argument, Step::request, "bad attribute " + what.str()));
  }
  const cosem::AttributeDescriptor d{static_cast<std::uint16_t>(class_id), cosem::Obis{ln},
                                     static_cast<std::int8_t>(attribute), std::nullopt};
  if (auto s = client->set(d, std::move(value), Clock::now()); !s) {
    co_return fail(make_error(ErrorKind::protocol, Step::request,
                              "cannot send SET: " + std::string(cosem::to_label(s.error()))));
  }
  auto ev = co_await drive(Step::request, what);
  if (!ev) co_return fail(ev.error());
  auto* result = std::get_if<cosem::SetResult>(&*ev);
  if (!result) co_return fail(make_error(ErrorKind::protocol, Step::request, "unexpected event for " + what.str()));
  if (result->result != cosem::DataAccessResult::success) {
    Error e = make_error(ErrorKind::access_denied, Step::request,
                         "access error: " + spaced(cosem::to_label(result->result)) + " (" +
                             std::to_string(static_cast<int>(result->result)) + ") writing " +
                             describe_attribute(ln, class_id, attribute));
    e.access_result = static_cast<int>(result->result);
    co_return fail(std::move(e));
  }
  co_return Result<void, Error>{};
}

awaitable<Result<RegisterRead, Error>> DlmsConnection::Impl::read_register(const LogicalName& ln, int class_id,
                                                                           int attribute) {
  RegisterRead r;
  r.ln = ln;
  r.obis = obis_text(ln);
  r.class_id = class_id;
  r.attribute = attribute;
  const bool scaled = has_scaler_unit(class_id) && attribute == 2;
  cosem::ScalerUnit su{0, 0};
  if (scaled) {
    const auto key = std::make_pair(class_id, ln);
    auto it = scalers.find(key);
    if (it == scalers.end()) {
      auto v = co_await get(ln, class_id, 3);
      if (!v) co_return fail(v.error());
      auto decoded = cosem::decode_scaler_unit(*v);
      if (!decoded) {
        co_return fail(make_error(ErrorKind::protocol, Step::request,
                                  "protocol error: scaler_unit of " + r.obis + " is not structure{integer, enum} (" +
                                      std::string(cosem::to_label(decoded.error())) + ")"));
      }
      it = scalers.emplace(key, *decoded).first;
    }
    su = it->second;
  }
  auto v = co_await get(ln, class_id, attribute);
  if (!v) co_return fail(v.error());
  r.data = std::move(*v);
  if (auto number = cosem::to_number(r.data)) {
    r.numeric = true;
    r.raw = cosem::to_integer(r.data).value_or(0);
    r.scaler = su.scaler;
    r.unit = scaled ? su.unit : 0;
    r.value = scaled ? cosem::scale(*number, su.scaler) : *number;
  }
  co_return r;
}

awaitable<Result<std::vector<ObjectListEntry>, Error>> DlmsConnection::Impl::object_list() {
  constexpr LogicalName kCurrentAssociation{0, 0, 40, 0, 0, 255};
  auto v = co_await get(kCurrentAssociation, 15, 2);
  if (!v) co_return fail(v.error());
  auto bad = [](const std::string& why) {
    return make_error(ErrorKind::protocol, Step::request, "protocol error: malformed object_list (" + why + ")");
  };
  const auto* items = v->get_if<cosem::Array>();
  if (!items) co_return fail(bad("not an array"));
  std::vector<ObjectListEntry> out;
  out.reserve(items->items.size());
  for (const auto& item : items->items) {
    // object_list_element ::= structure{class_id long-unsigned, version unsigned,
    //                                   logical_name octet-string(6), access_rights structure}
    const auto* s = item.get_if<cosem::Structure>();
    if (!s || s->items.size() < 3) co_return fail(bad("element is not a structure of 4"));
    const auto class_id = cosem::to_integer(s->items[0]);
    const auto version = cosem::to_integer(s->items[1]);
    const auto* name = s->items[2].get_if<cosem::OctetString>();
    if (!class_id || !version || !name || name->bytes.size() != 6) co_return fail(bad("bad element fields"));
    ObjectListEntry e;
    e.class_id = static_cast<int>(*class_id);
    e.version = static_cast<int>(*version);
    std::copy(name->bytes.begin(), name->bytes.end(), e.ln.begin());
    out.push_back(e);
  }
  co_return out;
}

awaitable<void> DlmsConnection::Impl::close() {
  if (open_ && endpoint.release && client && channel && stream.is_open()) {
    // A-RELEASE first; whatever its outcome, DISC and the socket close follow.
    if (client->release(Clock::now())) {
      auto ev = co_await drive(Step::release, detail::What{"RLRE to RLRQ"});
      if (ev && std::holds_alternative<cosem::Released>(*ev)) ++stats.releases;
    }
  }
  open_ = false;
  if (channel && stream.is_open()) co_await channel->close(timeouts.disc);
  stream.close();
  channel.reset();
  client.reset();
  scalers.clear();  // scaler_unit is cached per association
}

// ---- public face: each coroutine keeps the Impl alive while it runs ----

DlmsConnection::DlmsConnection(asio::any_io_executor ex, MeterEndpoint endpoint, Timeouts timeouts,
                               FrameObserver observer)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(endpoint), timeouts, std::move(observer))) {}

DlmsConnection::~DlmsConnection() { impl_->stream.close(); }

awaitable<Result<void, Error>> DlmsConnection::open() {
  auto self = impl_;
  co_return co_await self->open();
}

awaitable<Result<RegisterRead, Error>> DlmsConnection::read_register(LogicalName ln, int class_id, int attribute) {
  auto self = impl_;
  co_return co_await self->read_register(ln, class_id, attribute);
}

awaitable<Result<cosem::Value, Error>> DlmsConnection::get(LogicalName ln, int class_id, int attribute) {
  auto self = impl_;
  co_return co_await self->get(ln, class_id, attribute);
}

awaitable<Result<cosem::Value, Error>> DlmsConnection::get(LogicalName ln, int class_id, int attribute,
                                                           cosem::SelectiveAccess access) {
  auto self = impl_;
  co_return co_await self->get(ln, class_id, attribute, std::move(access));
}

awaitable<Result<void, Error>> DlmsConnection::set(LogicalName ln, int class_id, int attribute, cosem::Value value) {
  auto self = impl_;
  co_return co_await self->set(ln, class_id, attribute, std::move(value));
}

awaitable<Result<std::vector<ObjectListEntry>, Error>> DlmsConnection::object_list() {
  auto self = impl_;
  co_return co_await self->object_list();
}

awaitable<void> DlmsConnection::close() {
  auto self = impl_;
  co_await self->close();
}

void DlmsConnection::cancel() { impl_->stream.cancel(); }
void DlmsConnection::set_request_timeout(std::chrono::milliseconds timeout) {
  impl_->timeouts.request = timeout;
  if (impl_->channel) impl_->channel->set_request_timeout(timeout);
}
std::chrono::milliseconds DlmsConnection::request_timeout() const { return impl_->timeouts.request; }
void DlmsConnection::set_invocation_counter_hooks(InvocationCounterHooks hooks) {
  impl_->counter_hooks = std::move(hooks);
}
std::uint32_t DlmsConnection::invocation_counter() const { return impl_->next_ic; }
bool DlmsConnection::is_open() const { return impl_->open_; }
std::chrono::steady_clock::time_point DlmsConnection::opened_at() const { return impl_->opened_at; }
std::chrono::steady_clock::time_point DlmsConnection::last_activity() const { return impl_->last_activity; }
const ConnectionStats& DlmsConnection::stats() const { return impl_->stats; }
const MeterEndpoint& DlmsConnection::endpoint() const { return impl_->endpoint; }

}  // namespace bridge::transport
