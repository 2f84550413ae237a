#pragma once
// HLS-GMAC pieces of DlmsConnection::open() (docs/protocol.md 1.22): the codec's ciphering
// settings with a fresh random challenge, and the meter's invocation counter read through the
// public client. Private to the transport library.
#include <cstdint>

#include "bridge/asio.h"
#include "bridge/result.h"
#include "bridge/transport/endpoint.h"
#include "bridge/transport/error.h"
#include "bridge/transport/observer.h"
#include "dlms/cosem/client.h"

namespace bridge::transport::detail {

// Checks the sizes (system title 8, keys 16 bytes, policy) and draws CtoS from OpenSSL's RNG.
Result<dlms::cosem::CipheringConfig, Error> ciphering_config(const HlsGmacSettings& hls, std::uint32_t next_ic);

// Opens a separate association as the public client (no security), reads Data attribute 2 of
// `hls.invocation_counter_obis` and closes it again. The value is the last counter the meter
// accepted from us.
awaitable<Result<std::uint32_t, Error>> read_invocation_counter(asio::any_io_executor ex, const MeterEndpoint& endpoint,
                                                               const Timeouts& timeouts, const FrameObserver& observer);

}  // namespace bridge::transport::detail
