#include "fake_connection.h"

namespace bridge::poller::testing {

ConnectionError error(labels::PollFailure reason, std::string message, bool fatal) {
  ConnectionError e;
  e.reason = reason;
  e.message = std::move(message);
  e.fatal = fatal;
  e.tcp_connected = reason != labels::PollFailure::refused && reason != labels::PollFailure::unreachable;
  return e;
}

namespace {

class FakeConnection final : public MeterConnection {
 public:
  FakeConnection(asio::any_io_executor ex, std::shared_ptr<FakeMeter> m, const config::MeterConfig& cfg,
           Credential cred, ConnectionObserver obs)
      : timer_(ex), meter_(std::move(m)), host_(cfg.host), cred_(std::move(cred)), obs_(std::move(obs)) {}

  ~FakeConnection() override {
    if (open_) meter_->is_open = false;
  }

  awaitable<Result<void, ConnectionError>> open() override {
    ++meter_->opens;
    meter_->client_saps.push_back(cred_.client_sap);
    meter_->hosts.push_back(host_);
    if (!co_await delay(meter_->open_latency)) co_return fail(cancelled());
    Result<void, ConnectionError> r;
    if (meter_->on_open) r = meter_->on_open(cred_);
    if (r) {
      open_ = true;
      meter_->is_open = true;
      ++meter_->open_ok;
      last_ = Clock::now();
    }
    co_return r;
  }

  awaitable<Result<ReadValue, ConnectionError>> read(const config::RegisterConfig& reg) override {
    ++meter_->reads;
    if (!co_await delay(meter_->read_latency)) co_return fail(cancelled());
    if (meter_->during_read) meter_->during_read(obs_);
    last_ = Clock::now();
    if (meter_->on_read) {
      auto r = meter_->on_read(reg);
      if (!r && r.error().fatal) drop();
      co_return r;
    }
    co_return ReadValue{true, 230.0, 2300, -1, 35};
  }

  awaitable<void> close() override {
    if (open_) ++meter_->closes;
    drop();
    co_return;
  }

  void cancel() override {
    ++meter_->cancels;
    cancelled_ = true;
    timer_.cancel();
  }
  bool is_open() const override { return open_; }
  TimePoint last_activity() const override { return last_; }

 private:
  static ConnectionError cancelled() {
    ConnectionError e;
    e.cancelled = true;
    e.message = "cancelled";
    return e;
  }
  void drop() {
    if (open_) meter_->is_open = false;
    open_ = false;
  }
  awaitable<bool> delay(Duration d) {
    if (cancelled_) co_return false;
    if (d <= Duration::zero()) co_return true;
    boost::system::error_code ec;
    timer_.expires_after(d);
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && !cancelled_;
  }

  asio::steady_timer timer_;
  std::shared_ptr<FakeMeter> meter_;
  std::string host_;
  Credential cred_;
  ConnectionObserver obs_;
  bool open_ = false;
  bool cancelled_ = false;
  TimePoint last_ = Clock::now();
};

}  // namespace

ConnectionFactory FakeConnections::factory() {
  return [this](asio::any_io_executor ex, const config::MeterConfig& cfg, const Credential& cred,
                ConnectionObserver obs) -> std::unique_ptr<MeterConnection> {
    auto& p = meters_[cfg.id];
    if (!p) p = std::make_shared<FakeMeter>();
    return std::make_unique<FakeConnection>(std::move(ex), p, cfg, cred, std::move(obs));
  };
}

}  // namespace bridge::poller::testing
