#include "backfill_connection.h"

#include <map>
#include <mutex>
#include <string>

#include "bridge/log.h"
#include "bridge/poller/dlms_meter_connection.h"

namespace bridge::app {
namespace {

using poller::Clock;
using poller::ConnectionError;
using poller::TimePoint;

// When a meter's profile read last broke the association, kept across its connections (a
// connection lives one association). Without it, a profile that always breaks the association
// (a buffer the bridge cannot decode, a read too slow for the meter) would be read right after
// every reconnect, fail the read cycle again, and the meter's registers would never be read.
class BrokenProfileReads {
 public:
  std::optional<TimePoint> last(const std::string& meter, const config::ObisCode& profile) const {
    std::lock_guard lock(mutex_);
    auto it = broken_at_.find({meter, profile.to_string()});
    if (it == broken_at_.end()) return std::nullopt;
    return it->second;
  }
  void broke(const std::string& meter, const config::ObisCode& profile, TimePoint at) {
    std::lock_guard lock(mutex_);
    broken_at_[{meter, profile.to_string()}] = at;
  }
  void succeeded(const std::string& meter, const config::ObisCode& profile) {
    std::lock_guard lock(mutex_);
    broken_at_.erase({meter, profile.to_string()});
  }

 private:
  mutable std::mutex mutex_;  // connections of different meters may live on different io threads
  std::map<std::pair<std::string, std::string>, TimePoint> broken_at_;
};

class BackfillConnection final : public poller::MeterConnection {
 public:
  BackfillConnection(std::unique_ptr<poller::MeterConnection> inner, config::MeterConfig meter, poller::ProfileReader& reader,
                     std::shared_ptr<BrokenProfileReads> broken)
      : inner_(std::move(inner)),
        meter_(std::move(meter)),
        reader_(reader),
        broken_(std::move(broken)),
        last_read_(meter_.profiles.size()) {}

  awaitable<Result<void, ConnectionError>> open() override {
    cancelled_ = false;
    auto r = co_await inner_->open();
    if (r) associated_at_ = Clock::now();
    co_return r;
  }

  awaitable<Result<poller::ReadValue, ConnectionError>> read(const config::RegisterConfig& reg) override {
    auto broken = co_await read_due_profiles();
    if (broken) co_return fail(std::move(*broken));
    co_return co_await inner_->read(reg);
  }

  awaitable<void> close() override { co_await inner_->close(); }
  void cancel() override {
    cancelled_ = true;
    inner_->cancel();
  }
  bool is_open() const override { return inner_->is_open(); }
  TimePoint last_activity() const override { return inner_->last_activity(); }
  transport::DlmsConnection* dlms_connection() override { return inner_->dlms_connection(); }
  // Every other call goes straight through: the clock check and the adaptive deadline act on
  // the same association as the register reads.
  awaitable<Result<poller::ClockRead, ConnectionError>> read_clock() override { co_return co_await inner_->read_clock(); }
  awaitable<Result<void, ConnectionError>> set_clock(const poller::ClockSet& set) override {
    co_return co_await inner_->set_clock(set);
  }
  void set_request_timeout(poller::Duration timeout) override { inner_->set_request_timeout(timeout); }

 private:
  // Reads every due profile; a ConnectionError when one broke the association.
  awaitable<std::optional<ConnectionError>> read_due_profiles() {
    auto* connection = inner_->dlms_connection();
    if (connection == nullptr || !inner_->is_open()) co_return std::nullopt;
    for (std::size_t i = 0; i < meter_.profiles.size() && !cancelled_; ++i) {
      const auto& profile = meter_.profiles[i];
      const auto now = Clock::now();
      if (poller::next_profile_read(last_read_[i], associated_at_, profile.interval) > now) continue;
      // A read that broke an earlier association waits its interval even across reconnects.
      if (auto broke = broken_->last(meter_.id, profile.obis); broke && *broke + profile.interval > now) continue;
      last_read_[i] = now;  // a failure waits for the next interval (or association), no hot loop
      auto outcome = co_await reader_.read(*connection, meter_, profile);
      if (outcome.ok) {
        broken_->succeeded(meter_.id, profile.obis);
        continue;
      }
      log::warn("load-profile read failed", {{"meter", meter_.id}, {"profile", profile.obis.to_string()},
                                             {"rows", outcome.rows}, {"error", outcome.error}});
      if (outcome.link_broken || cancelled_) {
        if (!cancelled_) broken_->broke(meter_.id, profile.obis, now);
        ConnectionError e;
        e.reason = outcome.reason;  // the session counts and diagnoses it like any failed read
        e.hdlc = outcome.hdlc;
        e.cancelled = cancelled_;
        e.fatal = true;
        e.tcp_connected = true;
        e.message = "load-profile read of " + profile.obis.to_string() + " failed: " + outcome.error;
        co_return e;
      }
    }
    co_return std::nullopt;
  }

  std::unique_ptr<poller::MeterConnection> inner_;
  config::MeterConfig meter_;
  poller::ProfileReader& reader_;
  std::shared_ptr<BrokenProfileReads> broken_;
  TimePoint associated_at_{};
  std::vector<std::optional<TimePoint>> last_read_;
  bool cancelled_ = false;
};

}  // namespace

poller::ConnectionFactory backfill_connection_factory(poller::ProfileReader& reader, poller::ConnectionFactory inner) {
  if (!inner) inner = poller::dlms_connection_factory();
  auto broken = std::make_shared<BrokenProfileReads>();
  return [&reader, inner = std::move(inner), broken](asio::any_io_executor executor, const config::MeterConfig& meter,
                                             const poller::Credential& credential,
                                             poller::ConnectionObserver observer) -> std::unique_ptr<poller::MeterConnection> {
    auto connection = inner(std::move(executor), meter, credential, std::move(observer));
    if (meter.profiles.empty()) return connection;
    return std::make_unique<BackfillConnection>(std::move(connection), meter, reader, broken);
  };
}

}  // namespace bridge::app
