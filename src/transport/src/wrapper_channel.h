#pragma once
// APDUs over the IEC 62056-47 TCP wrapper: 8-byte header (version 1, source and destination
// wPort, length) + APDU, no LLC, no link layer (so open() and close() only touch TCP).

#include "apdu_channel.h"
#include "dlms/wrapper.h"

namespace bridge::transport::detail {

class WrapperChannel final : public ApduChannel {
 public:
  WrapperChannel(ChannelContext ctx, const MeterEndpoint& endpoint);

  awaitable<Result<void, Error>> open(std::chrono::milliseconds timeout) override;
  awaitable<Result<void, Error>> send(dlms::ByteSpan apdu, Step step, std::chrono::milliseconds timeout) override;
  awaitable<Result<dlms::Bytes, Error>> receive(Step step, Clock::time_point deadline,
                                                std::chrono::milliseconds timeout, What what) override;
  awaitable<void> close(std::chrono::milliseconds timeout) override;
  std::size_t buffered() const override { return decoder_.buffered(); }

 private:
  ChannelContext ctx_;
  std::uint16_t client_wport_;
  std::uint16_t server_wport_;
  dlms::wrapper::WrapperDecoder decoder_;
};

}  // namespace bridge::transport::detail
