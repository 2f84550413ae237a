#include "wrapper_channel.h"

namespace bridge::transport::detail {

namespace wrapper = dlms::wrapper;

WrapperChannel::WrapperChannel(ChannelContext ctx, const MeterEndpoint& endpoint)
    : ctx_(ctx),
      client_wport_(endpoint.wrapper_client_wport),
      server_wport_(endpoint.wrapper_server_wport),
      // Only messages from the meter's wPort to ours are answers to us.
      decoder_(0xFFFF, wrapper::WportFilter{endpoint.wrapper_server_wport, endpoint.wrapper_client_wport}) {}

awaitable<Result<void, Error>> WrapperChannel::open(std::chrono::milliseconds) {
  co_return Result<void, Error>{};  // no link layer: the association starts right away
}

awaitable<Result<void, Error>> WrapperChannel::send(dlms::ByteSpan apdu, Step step, std::chrono::milliseconds timeout) {
  auto bytes = wrapper::encode(wrapper::Message{client_wport_, server_wport_, dlms::Bytes(apdu.begin(), apdu.end())});
  if (!bytes) co_return fail(make_error(ErrorKind::invalid_argument, step, "APDU too long for the wrapper"));
  co_return co_await ctx_.write_frame(*bytes, timeout, step);
}

awaitable<Result<dlms::Bytes, Error>> WrapperChannel::receive(Step step, Clock::time_point deadline,
                                                              std::chrono::milliseconds timeout, What what) {
  for (;;) {
    for (;;) {
      auto r = decoder_.next();
      if (auto* message = std::get_if<wrapper::Message>(&r)) {
        ++ctx_.stats.frames_rx;
        if (ctx_.observer.on_frame) {
          if (auto raw = wrapper::encode(*message)) ctx_.observer.on_frame(false, *raw);
        }
        co_return std::move(message->apdu);
      }
      if (auto* error = std::get_if<wrapper::WrapperError>(&r)) {
        ++ctx_.stats.hdlc_errors;
        if (ctx_.observer.on_hdlc_error) ctx_.observer.on_hdlc_error(to_metric_label(error->kind), error->raw);
        continue;
      }
      break;  // NeedData
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      ++ctx_.stats.watchdog_trips;
      co_return fail(step_timeout(step, timeout, what, ctx_.stream.peer()));
    }
    auto n = co_await ctx_.stream.read_available_until(deadline, step);
    if (!n) {
      if (n.error().kind == ErrorKind::timeout) continue;  // deadline re-evaluated above
      co_return fail(receive_error(n.error(), decoder_.buffered(), what));
    }
    ctx_.last_activity = Clock::now();
    ctx_.stats.bytes_rx += n->size();
    decoder_.feed(*n);
  }
}

awaitable<void> WrapperChannel::close(std::chrono::milliseconds) {
  co_return;  // nothing to release below the association; the socket close ends the session
}

}  // namespace bridge::transport::detail
