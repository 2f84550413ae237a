#pragma once
// The production MeterLink: bridge::transport::DlmsConnection (TCP + HDLC or wrapper + COSEM
// association) configured from a [[meter]] entry.
#include "bridge/poller/link.h"

namespace bridge::store {
class Store;
}

namespace bridge::poller {

// `store` (may be null) keeps the HLS-GMAC invocation counters across restarts.
LinkFactory dlms_link_factory(store::Store* store = nullptr);

}  // namespace bridge::poller
