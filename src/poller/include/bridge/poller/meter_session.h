#pragma once
// MeterSession: one meter's polling loop, as one coroutine that reads as the script.
//
//   loop: step = next_step(facts, now)             (session_plan.h: the decision, a pure function)
//     apply_config / test                          reload, manual test cycle
//     pause                                        release the association (DISC), sleep until resumed
//     wait until t                                 breaker open, connect backoff, next slot or keep-alive
//     connect                                      rate limit, concurrency slot, TCP/SNRM/AARQ
//                                                    failure -> diagnose, back off (2, 4, 8 s ... capped, forever)
//     keepalive                                    one read before the meter's inactivity timeout
//     cycle                                        every register, one retry after read_retry_delay
//                                                    reading -> sink; all failed -> reconnect; watchdogs -> reconnect
//
// What happened is told to SessionReport (counters, diagnosis, events), which tells the
// observers (metrics, history, store): the script holds no reporting code.
//
// A wake timer parked at max() is the session's condition variable: pause, resume, test,
// reconfigure and stop set a flag and cancel it; the loop re-asks next_step() after every
// co_await. Everything runs on the io_context thread; the public methods must be called there
// (the Fleet posts to it).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/asio.h"
#include "bridge/poller/adaptive_timeout.h"
#include "bridge/poller/backoff.h"
#include "bridge/poller/circuit_breaker.h"
#include "bridge/poller/clock_check.h"
#include "bridge/poller/diagnosis.h"
#include "bridge/poller/endpoint_failover.h"
#include "bridge/poller/meter_connection.h"
#include "bridge/poller/schedule.h"
#include "bridge/poller/session_context.h"
#include "bridge/poller/session_plan.h"
#include "bridge/poller/session_report.h"
#include "bridge/poller/status.h"
#include "bridge/poller/watchdogs.h"

namespace bridge::poller {

class MeterSession : public std::enable_shared_from_this<MeterSession> {
 public:
  // `first_slot`: when slot 0 starts (the Fleet spreads meters over the interval). `meter` points
  // into the loaded config (one copy per meter for the whole service, not one per session).
  MeterSession(SessionContext& ctx, std::shared_ptr<const config::MeterConfig> meter, bool paused, TimePoint first_slot);
  ~MeterSession();
  MeterSession(const MeterSession&) = delete;
  MeterSession& operator=(const MeterSession&) = delete;

  void start();
  // Graceful: stop scheduling, end the pending step, DISC, then `done` (on the io thread).
  void stop(std::function<void()> done);
  // Past the shutdown deadline: cancel whatever is still pending (the DISC wait included).
  void abort();
  void pause();
  void resume();
  // One immediate cycle outside the schedule (connects first if needed, even when paused or
  // backing off); the result goes to `done` on the io thread.
  void test(std::function<void(TestResult)> done);
  // Reload: new registers/QoS apply from the next cycle; `connection_changed` re-associates
  // (reconnect cause config_reload).
  void reconfigure(std::shared_ptr<const config::MeterConfig> meter, bool connection_changed);
  // Reload of an unchanged meter (config::same_meter): the session moves to the new config's
  // entry so that the old config can be freed; nothing else happens.
  void rebind(std::shared_ptr<const config::MeterConfig> meter);

  MeterStatus status() const;
  const std::string& id() const { return report_.meter(); }
  const config::MeterConfig& meter() const { return *meter_; }
  bool finished() const { return finished_; }

 private:
  struct CycleOutcome {
    Reading reading;
    std::vector<RegisterFailure> failures;
    std::optional<ConnectionError> first_error;
    bool link_broken = false;
    bool cancelled = false;
  };

  // The script (meter_session.cpp).
  awaitable<void> run();
  SessionFacts facts() const;
  awaitable<bool> sleep_until(TimePoint t);
  awaitable<bool> acquire_slot();
  void release_slot();
  awaitable<bool> connect(bool manual);
  awaitable<bool> open_connection(bool scheduled = true);
  awaitable<void> pause_for(Duration d);
  // `scheduled`: the attempt stands in for a poll cycle (counted); false inside a cycle (the
  // per-read retry's re-association) or a manual test, whose cycle is counted on its own.
  void on_connect_failure(const ConnectionError& error, TimePoint now, bool scheduled);
  // After a reload: shorten a pending connect/settle wait to what the new keys allow (the
  // breaker shortens its own open window in set_policy).
  void replan_waits();
  awaitable<void> reconnect(labels::ReconnectCause cause, const std::string& why);
  awaitable<void> release_connection();
  awaitable<void> handle_watchdogs(TimePoint now);
  awaitable<void> apply_pending_config();
  void count_breaker_skips(TimePoint now);
  // Schedule accounting (meter_session_slots.cpp): which slots the meter owes, told to the report.
  void account_slots(TimePoint now);
  void first_attempt_over(TimePoint now);
  // Tells the report what the schedule counted since the last call; true when slots were counted.
  bool report_slots(std::optional<Duration> start_lateness);
  Credential credential() const;
  TimePoint keepalive_due() const;

  // The read cycle (meter_session_cycle.cpp).
  awaitable<CycleOutcome> read_all();
  awaitable<void> cycle();
  void finish_cycle(const CycleOutcome& outcome, TimePoint start, TimePoint end);
  awaitable<void> keepalive();
  awaitable<void> run_tests();

  // The meter's clock (meter_session_clock.cpp): read it when due, in sync mode set it.
  awaitable<void> check_clock();
  awaitable<std::optional<ClockRead>> read_clock();
  void record_clock(const ClockRead& read, const ClockAssessment& assessment);

  // Failover endpoints and adaptive deadlines (meter_session_connection.cpp).
  // The [[meter]] entry as the endpoint in use reaches it: host and port of that endpoint.
  config::MeterConfig endpoint_meter() const;
  std::string endpoint_text() const;
  // Before each request step: the link gets the current deadline, a changed one is reported.
  void apply_request_timeout();
  // A request failed: counted (HDLC kind), and a timeout widens an adaptive deadline.
  void request_failed(const ConnectionError& error);
  // Associated on an alternative endpoint for failover_holdback: release it for the primary.
  awaitable<void> return_to_primary_if_due(TimePoint now);

  void set_state(MeterState s);
  void publish_status();
  void poke();

  SessionContext& ctx_;
  // Shared with the loaded config and replaced by reconfigure/rebind: a coroutine that keeps a
  // reference into it across a co_await holds its own copy of this pointer.
  std::shared_ptr<const config::MeterConfig> meter_;
  SessionReport report_;
  asio::steady_timer wake_;
  std::unique_ptr<MeterConnection> connection_;
  bool in_connection_op_ = false;  // open() or read() pending: stop() cancels it
  bool closing_ = false;     // close() pending: a graceful stop lets the DISC finish

  Backoff backoff_;
  CircuitBreaker breaker_;
  Watchdogs watchdogs_;
  FixedRateSchedule schedule_;
  ClockSchedule clock_;
  AdaptiveTimeout deadline_;
  EndpointFailover failover_;
  ClockStatus clock_status_;
  Duration reported_timeout_{-1};  // the deadline the observers were last told

  MeterState state_ = MeterState::starting;
  bool paused_ = false;
  bool stopping_ = false;
  bool aborted_ = false;
  bool finished_ = false;
  bool down_ = false;  // reported down (connect_attempts failures in a row)
  TimePoint next_connect_at_{};
  // What next_connect_at_ waits for, and since when (a reload re-plans it with the new keys).
  enum class WaitKind { none, backoff, refusal, settle };
  WaitKind wait_kind_ = WaitKind::none;
  TimePoint wait_since_{};
  TimePoint breaker_counted_until_{};  // open-window slots already counted as circuit_open
  std::size_t credential_index_ = 0;  // 0 = primary, i = credential_alternatives[i - 1]
  std::uint8_t client_sap_ = 0;
  std::int64_t last_success_ms_ = 0;
  std::int64_t last_attempt_ms_ = 0;
  Duration max_lateness_{};
  // False from start and resume until the first connection attempt has ended: the slots
  // meanwhile are excused (the admission queue of a starting fleet is not lateness).
  bool owing_ = false;
  std::uint64_t reported_due_ = 0;     // schedule_.due() already told to the report
  std::uint64_t reported_missed_ = 0;  // schedule_.missed() already told to the report

  std::vector<std::function<void(TestResult)>> tests_;
  std::shared_ptr<const config::MeterConfig> pending_config_;  // reconfigure() waiting for a safe point
  bool pending_connection_changed_ = false;
  std::function<void()> on_stopped_;
};

}  // namespace bridge::poller
