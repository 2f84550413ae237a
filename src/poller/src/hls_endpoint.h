#pragma once
// HLS-GMAC settings of a [[meter]] for the transport, and the store hooks that keep its
// invocation counter across reconnects and restarts (docs/protocol.md 1.22).
#include "bridge/config/config.h"
#include "bridge/transport/connection.h"
#include "bridge/transport/endpoint.h"

namespace bridge::store {
class Store;
}

namespace bridge::poller {

// The loader validated the hex and sizes; the keys leave the config's Secret only here.
transport::HlsGmacSettings hls_settings_of(const config::MeterConfig& meter);
// load/save of the meter's counter in the store (keyed by meter id and system title); empty
// hooks without a store.
transport::InvocationCounterHooks invocation_counter_hooks(store::Store* store, const config::MeterConfig& meter);

}  // namespace bridge::poller
