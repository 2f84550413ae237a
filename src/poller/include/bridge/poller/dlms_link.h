#pragma once
// The production MeterLink: bridge::transport::DlmsConnection (TCP + HDLC or wrapper + COSEM
// association) configured from a [[meter]] entry.
#include "bridge/poller/link.h"
#include "bridge/transport/endpoint.h"

namespace bridge::poller {

LinkFactory dlms_link_factory();

// How a [[meter]] entry and one of its credentials reach the meter: the one mapping from config
// to transport (the poller, and `discover` when it tries candidate entries, use it alike).
transport::MeterEndpoint endpoint_of(const config::MeterConfig& meter, const LinkCredential& credential);
transport::Timeouts timeouts_of(const config::QosConfig& qos);

}  // namespace bridge::poller
