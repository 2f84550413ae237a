#pragma once
// APDUs over HDLC frames on TCP: dlms::hdlc::Link (client role) + length-delimited FrameDecoder.
// Bad frames are reported to the observer and skipped (the decoder resyncs on the next frame);
// the session continues unless the Link itself fails (sequence, FRMR, DM, timeout).
#include <optional>

#include "apdu_channel.h"
#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"

namespace bridge::transport::detail {

class HdlcChannel final : public ApduChannel {
 public:
  HdlcChannel(ChannelContext ctx, const MeterEndpoint& endpoint, const Timeouts& timeouts);

  awaitable<Result<void, Error>> open(std::chrono::milliseconds timeout) override;
  awaitable<Result<void, Error>> send(dlms::ByteSpan apdu, Step step, std::chrono::milliseconds timeout) override;
  awaitable<Result<dlms::Bytes, Error>> receive(Step step, Clock::time_point deadline,
                                                std::chrono::milliseconds timeout, What what) override;
  awaitable<void> close(std::chrono::milliseconds timeout) override;
  std::size_t buffered() const override { return decoder_.buffered(); }
  void set_request_timeout(std::chrono::milliseconds timeout) override {
    timeout_ = timeout;
    link_.set_response_timeout(timeout);
  }

 private:
  // Writes every frame the Link wants to send.
  awaitable<Result<void, Error>> flush(Step step, std::chrono::milliseconds timeout);
  // Runs the Link until it emits an event, the deadline passes or the socket fails.
  awaitable<Result<dlms::hdlc::LinkEvent, Error>> next_event(Step step, Clock::time_point deadline,
                                                             std::chrono::milliseconds timeout,
                                                             const What& what);
  Error link_failed(const dlms::hdlc::Failed& f, Step step, const What& what) const;

  ChannelContext ctx_;
  dlms::hdlc::Link link_;
  dlms::hdlc::FrameDecoder decoder_;
  std::chrono::milliseconds timeout_;  // the Link's response timeout (= the request deadline)
};

}  // namespace bridge::transport::detail
