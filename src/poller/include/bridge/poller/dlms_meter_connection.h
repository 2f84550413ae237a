#pragma once
// The production MeterConnection: bridge::transport::DlmsConnection (TCP + HDLC or wrapper + COSEM
// association) configured from a [[meter]] entry.
#include "bridge/poller/meter_connection.h"

namespace bridge::store {
class Store;
}

namespace bridge::poller {

// `store` (may be null) keeps the HLS-GMAC invocation counters across restarts.
ConnectionFactory dlms_connection_factory(store::Store* store = nullptr);

}  // namespace bridge::poller
