#pragma once
// How a [[meter]] entry and one of its credentials reach the meter: the one mapping from config
// to transport. The poller's DlmsMeterConnection uses it, and so does `dlms-bridge discover` when it tries
// candidate entries, so what discover proved is what the poller will do. (A header of its own:
// it needs bridge::transport, which the poller's other public headers do not expose.)
#include "bridge/config/config.h"
#include "bridge/poller/meter_connection.h"
#include "bridge/transport/endpoint.h"

namespace bridge::poller {

transport::MeterEndpoint endpoint_of(const config::MeterConfig& meter, const Credential& credential);
transport::Timeouts timeouts_of(const config::QosConfig& qos);

}  // namespace bridge::poller
