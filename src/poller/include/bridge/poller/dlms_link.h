#pragma once
// The production MeterLink: bridge::transport::DlmsConnection (TCP + HDLC or wrapper + COSEM
// association) configured from a [[meter]] entry.
#include "bridge/poller/link.h"

namespace bridge::poller {

LinkFactory dlms_link_factory();

}  // namespace bridge::poller
