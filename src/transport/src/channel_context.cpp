#include "apdu_channel.h"

namespace bridge::transport::detail {

awaitable<Result<void, Error>> ChannelContext::write_frame(dlms::ByteSpan frame, std::chrono::milliseconds timeout,
                                                           Step step) {
  if (observer.on_frame) observer.on_frame(true, frame);
  ++stats.frames_tx;
  stats.bytes_tx += frame.size();
  auto w = co_await stream.write(frame, timeout, step);
  if (!w) co_return bridge::fail(w.error());
  last_activity = Clock::now();
  co_return Result<void, Error>{};
}

}  // namespace bridge::transport::detail
