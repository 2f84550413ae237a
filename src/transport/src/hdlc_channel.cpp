#include "hdlc_channel.h"

#include <algorithm>

namespace bridge::transport::detail {

namespace hdlc = dlms::hdlc;
using labels::HdlcError;

namespace {

hdlc::LinkConfig link_config(const MeterEndpoint& ep, const Timeouts& t) {
  hdlc::LinkConfig c;
  c.role = hdlc::Role::client;
  // The endpoint was validated by the caller (DlmsConnection::open reports invalid_argument).
  c.local = hdlc::encode_client_address(ep.client_sap).value_or(hdlc::Address{});
  c.peer = hdlc::encode_server_address(hdlc::ServerAddress{ep.server_logical, ep.server_physical,
                                                           static_cast<std::uint8_t>(ep.address_size)})
               .value_or(hdlc::Address{});
  // Empty SNRM (the production setting): the meter's defaults apply.
  c.response_timeout = t.request;
  // No RR polling on TCP: the watchdog and a fresh association are the recovery, and the field
  // firmware has never been seen to answer RR.
  c.max_retries = 0;
  return c;
}

}  // namespace

HdlcChannel::HdlcChannel(ChannelContext ctx, const MeterEndpoint& endpoint, const Timeouts& timeouts)
    : ctx_(ctx), link_(link_config(endpoint, timeouts)), timeout_(timeouts.request) {
  const auto cfg = link_config(endpoint, timeouts);
  // Frames from another station (or to another client) are counted as `address` errors.
  decoder_.set_filter(hdlc::AddressFilter{cfg.local, cfg.peer});
}

Error HdlcChannel::link_failed(const hdlc::Failed& f, Step step, const What& what) const {
  Error e = make_error(ErrorKind::protocol, step, {});
  e.hdlc = to_metric_label(f.kind);
  switch (f.kind) {
    case dlms::LinkError::timeout:
      e.kind = ErrorKind::timeout;
      e.message = "timeout: no " + what.str() + " within " + format_duration(timeout_) + " (" + ctx_.stream.peer() + ")";
      return e;
    case dlms::LinkError::dm:
      // DM to SNRM: the meter refuses the link, typically because another client holds it.
      if (step == Step::link) {
        e.kind = ErrorKind::busy;
        e.message = "link refused: meter answered DM to SNRM (wrong server address, or another client holds the link) (" +
                    ctx_.stream.peer() + ")";
        return e;
      }
      e.message = "protocol error (dm): meter answered DM while waiting for " + what.str() + ": " + f.message;
      return e;
    default:
      e.message = "protocol error (" + std::string(dlms::to_label(f.kind)) + ") while waiting for " + what.str() + ": " +
                  f.message;
      return e;
  }
}

awaitable<Result<void, Error>> HdlcChannel::flush(Step step, std::chrono::milliseconds timeout) {
  while (auto bytes = link_.poll_transmit()) {
    if (auto w = co_await ctx_.write_frame(*bytes, timeout, step); !w) co_return fail(w.error());
  }
  co_return Result<void, Error>{};
}

awaitable<Result<hdlc::LinkEvent, Error>> HdlcChannel::next_event(Step step, Clock::time_point deadline,
                                                                   std::chrono::milliseconds timeout,
                                                                   const What& what) {
  for (;;) {
    if (auto f = co_await flush(step, timeout); !f) co_return fail(f.error());
    if (auto ev = link_.poll_event()) co_return std::move(*ev);

    auto now = Clock::now();
    if (auto t = link_.poll_timeout(); t && *t <= now) {
      link_.handle_timeout(now);
      continue;
    }
    if (now >= deadline) {
      ++ctx_.stats.watchdog_trips;
      co_return fail(step_timeout(step, timeout, what, ctx_.stream.peer()));
    }
    auto wake = deadline;
    if (auto t = link_.poll_timeout()) wake = std::min(wake, *t);

    auto n = co_await ctx_.stream.read_available_until(wake, step);
    if (!n) {
      if (n.error().kind == ErrorKind::timeout) continue;  // link timer or step deadline: re-evaluated above
      co_return fail(receive_error(n.error(), decoder_.buffered(), what));
    }
    now = Clock::now();
    ctx_.last_activity = now;
    ctx_.stats.bytes_rx += n->size();
    const std::uint64_t garbage_before = decoder_.garbage_bytes();
    decoder_.feed(*n);
    for (;;) {
      auto r = decoder_.next();
      if (auto* frame = std::get_if<hdlc::Frame>(&r)) {
        ++ctx_.stats.frames_rx;
        if (ctx_.observer.on_frame) {
          if (auto raw = hdlc::encode(*frame)) ctx_.observer.on_frame(false, *raw);
        }
        // The Link drops a repeat of the I-frame it accepted last (a retransmission or a late
        // duplicate) instead of failing the session; count what it dropped.
        const auto duplicates_before = link_.duplicates_discarded();
        link_.handle_frame(*frame, now);
        ctx_.stats.stale_discarded += link_.duplicates_discarded() - duplicates_before;
      } else if (auto* error = std::get_if<hdlc::FrameError>(&r)) {
        ++ctx_.stats.hdlc_errors;
        if (ctx_.observer.on_hdlc_error) ctx_.observer.on_hdlc_error(to_metric_label(error->kind), error->raw);
      } else {
        break;  // NeedData
      }
    }
    if (const auto garbage = decoder_.garbage_bytes() - garbage_before; garbage > 0 && ctx_.observer.on_garbage) {
      ctx_.observer.on_garbage(garbage);
    }
  }
}

awaitable<Result<void, Error>> HdlcChannel::open(std::chrono::milliseconds timeout) {
  const auto now = Clock::now();
  if (auto c = link_.connect(now); !c) {
    co_return fail(make_error(ErrorKind::protocol, Step::link,
                              "cannot start the HDLC link: " + std::string(hdlc::to_label(c.error()))));
  }
  const What what{"UA to SNRM"};
  for (;;) {
    auto ev = co_await next_event(Step::link, now + timeout, timeout, what);
    if (!ev) co_return fail(ev.error());
    if (std::holds_alternative<hdlc::Connected>(*ev)) co_return Result<void, Error>{};
    if (auto* f = std::get_if<hdlc::Failed>(&*ev)) co_return fail(link_failed(*f, Step::link, what));
    if (std::holds_alternative<hdlc::Disconnected>(*ev)) {
      Error e = make_error(ErrorKind::busy, Step::link,
                           "link refused: meter answered DM to SNRM (wrong server address, or another client holds the link) (" +
                               ctx_.stream.peer() + ")");
      e.hdlc = HdlcError::dm;
      co_return fail(std::move(e));
    }
    // ApduReceived before the link is up cannot happen in the client role; ignore it.
  }
}

awaitable<Result<void, Error>> HdlcChannel::send(dlms::ByteSpan apdu, Step step, std::chrono::milliseconds timeout) {
  if (auto s = link_.send(apdu, Clock::now()); !s) {
    Error e = make_error(ErrorKind::protocol, step,
                         "cannot send on the HDLC link (" + std::string(hdlc::to_label(s.error())) + ", state " +
                             std::string(hdlc::to_label(link_.state())) + ")");
    co_return fail(std::move(e));
  }
  co_return co_await flush(step, timeout);
}

awaitable<Result<dlms::Bytes, Error>> HdlcChannel::receive(Step step, Clock::time_point deadline,
                                                           std::chrono::milliseconds timeout, What what) {
  for (;;) {
    auto ev = co_await next_event(step, deadline, timeout, what);
    if (!ev) co_return fail(ev.error());
    if (auto* apdu = std::get_if<hdlc::ApduReceived>(&*ev)) co_return std::move(apdu->apdu);
    if (auto* f = std::get_if<hdlc::Failed>(&*ev)) co_return fail(link_failed(*f, step, what));
    if (std::holds_alternative<hdlc::Disconnected>(*ev)) {
      Error e = make_error(ErrorKind::closed, step, "meter dropped the HDLC link while waiting for " + what.str());
      e.hdlc = HdlcError::dm;
      co_return fail(std::move(e));
    }
  }
}

awaitable<void> HdlcChannel::close(std::chrono::milliseconds timeout) {
  if (!ctx_.stream.is_open()) co_return;
  const auto state = link_.state();
  if (state == hdlc::LinkState::disconnected) co_return;
  const auto now = Clock::now();
  if (!link_.disconnect(now)) co_return;
  for (;;) {
    auto ev = co_await next_event(Step::release, now + timeout, timeout, What{"UA to DISC"});
    if (!ev) co_return;  // no answer: the socket is closed anyway
    if (std::holds_alternative<hdlc::Disconnected>(*ev) || std::holds_alternative<hdlc::Failed>(*ev)) co_return;
  }
}

}  // namespace bridge::transport::detail
