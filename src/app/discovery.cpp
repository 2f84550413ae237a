#include "discovery.h"

#include "bridge/poller/dlms_endpoint.h"
#include "bridge/transport/tcp_stream.h"
#include "value_text.h"

namespace bridge::app {
namespace {

namespace asio = asio;
using transport::LogicalName;
using transport::ObjectListEntry;

constexpr int kValueAttribute = 2;

bool is_serial_number(const ObjectListEntry& o) {
  // 0-0:96.1.0 (IEC 62056-6-1) or 1-b:0.0.0 (the Microstar's "meter serial number").
  const auto& ln = o.ln;
  if (o.class_id != 1 || ln[5] != 255) return false;
  return (ln[0] == 0 && ln[1] == 0 && ln[2] == 96 && ln[3] == 1 && ln[4] == 0) ||
         (ln[0] == 1 && ln[2] == 0 && ln[3] == 0 && ln[4] == 0);
}

bool is_logical_device_name(const ObjectListEntry& o) {
  return o.class_id == 1 && o.ln == LogicalName{0, 0, 42, 0, 0, 255};
}

bool is_clock(const ObjectListEntry& o) {
  return o.class_id == 8 && o.ln == LogicalName{0, 0, 1, 0, 0, 255};
}

}  // namespace

config::MeterConfig candidate_meter(const DiscoveryOptions& options, const AddressForm& address,
                                    const ClientCredential& credential) {
  config::MeterConfig m;
  m.host = options.host;
  m.port = options.port;
  m.transport = options.transport;
  m.client_sap = credential.client_sap;
  m.server_logical = address.logical;
  m.server_physical = address.physical;
  m.address_size = address.size;
  m.auth = credential.auth();
  m.password = config::Secret(credential.password);
  m.qos.connect_timeout = options.step_timeout;
  m.qos.request_timeout = options.step_timeout;
  m.qos.disc_timeout = std::min<config::Duration>(m.qos.disc_timeout, options.step_timeout);
  return m;
}

Discovery::Discovery(asio::any_io_executor ex, DiscoveryOptions options,
                     std::function<void(const std::string&)> progress)
    : ex_(ex), options_(std::move(options)), progress_(std::move(progress)), pause_timer_(ex), deadline_timer_(ex) {}

asio::awaitable<bool> Discovery::pause() {
  // False when the time budget ends during the pause.
  const auto until = std::min(std::chrono::steady_clock::now() + options_.pause, deadline_);
  pause_timer_.expires_at(until);
  boost::system::error_code ignored;
  co_await pause_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  co_return !expired_ && std::chrono::steady_clock::now() < deadline_;
}

asio::awaitable<AttemptVerdict> Discovery::attempt(const AddressForm& address, const ClientCredential& credential,
                                                   DiscoveryResult& result) {
  const auto meter = candidate_meter(options_, address, credential);
  const poller::Credential link{credential.client_sap, credential.auth(), credential.password, false};
  transport::DlmsConnection connection(ex_, poller::endpoint_of(meter, link), poller::timeouts_of(meter.qos));
  current_ = &connection;
  AttemptVerdict verdict;
  if (auto opened = co_await connection.open(); !opened) {
    verdict = judge_open_failure(opened.error(), options_.transport);
  } else if (auto objects = co_await connection.object_list(); !objects) {
    verdict = judge_list_failure(objects.error());
  } else {
    verdict = {AttemptOutcome::found, options_.all ? NextStep::next_credential : NextStep::stop,
               "found: associated, object list of " + std::to_string(objects->size()) + " objects read"};
    if (!result.found) {
      result.found = co_await probe(connection, *objects);
      result.found->address = address;
      result.found->credential = credential;
    }
  }
  co_await connection.close();
  current_ = nullptr;
  if (expired_ && verdict.outcome != AttemptOutcome::found) {
    verdict.outcome = AttemptOutcome::stopped;
    verdict.next = NextStep::stop;
  }
  co_return verdict;
}

asio::awaitable<MeterFindings> Discovery::probe(transport::DlmsConnection& connection,
                                                const std::vector<ObjectListEntry>& objects) {
  MeterFindings f;
  f.object_count = objects.size();
  auto identity = [&](const ObjectListEntry& o) -> asio::awaitable<IdentityValue> {
    IdentityValue v{o.ln, std::nullopt, {}};
    if (!connection.is_open()) {
      v.error = "not read (connection lost)";
      co_return v;
    }
    auto value = co_await connection.get(o.ln, o.class_id, kValueAttribute);
    if (value) {
      v.text = value_text(*value);
    } else {
      v.error = value.error().message;
    }
    co_return v;
  };
  for (const auto& o : objects) {
    if (is_logical_device_name(o) && !f.logical_device_name) f.logical_device_name = co_await identity(o);
    if (is_serial_number(o) && !f.serial) f.serial = co_await identity(o);
    if (is_clock(o) && !f.clock) f.clock = co_await identity(o);
  }
  for (const auto& offered : offered_registers(objects)) {
    RegisterProbe p{offered, std::nullopt, {}};
    if (!connection.is_open()) {
      p.error = "not read (connection lost)";
    } else if (auto r =
                   co_await connection.read_register(offered.object.ln, offered.object.class_id, kValueAttribute)) {
      p.read = std::move(*r);
    } else {
      p.error = r.error().message;
    }
    f.registers.push_back(std::move(p));
  }
  co_return f;
}

asio::awaitable<DiscoveryResult> Discovery::run() {
  DiscoveryResult result;
  deadline_ = std::chrono::steady_clock::now() + options_.max_time;
  deadline_timer_.expires_at(deadline_);
  deadline_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    expired_ = true;
    pause_timer_.cancel();
    if (current_) current_->cancel();  // the attempt in progress ends now, as "stopped"
  });

  bool stop = false;
  for (const auto& address : options_.addresses) {
    if (stop) break;
    for (const auto& credential : options_.credentials) {
      if (!result.attempts.empty() && !co_await pause()) {
        result.out_of_time = true;
        stop = true;
        break;
      }
      AttemptRecord record{static_cast<int>(result.attempts.size()) + 1, address, credential, {}};
      progress_("attempt " + std::to_string(record.number) + ": " + address.label(options_.transport) + ", " +
                credential.label() + " ...");
      record.verdict = co_await attempt(address, credential, result);
      progress_("attempt " + std::to_string(record.number) + ": " + record.verdict.text);
      if (record.verdict.outcome == AttemptOutcome::found) result.working.push_back(record);
      if (record.verdict.outcome == AttemptOutcome::stopped) result.out_of_time = true;
      result.attempts.push_back(record);
      if (record.verdict.next == NextStep::stop) {
        stop = true;
        break;
      }
      if (record.verdict.next == NextStep::next_address) break;
    }
  }
  deadline_timer_.cancel();
  pause_timer_.cancel();
  co_return result;
}

}  // namespace bridge::app
