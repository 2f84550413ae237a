#pragma once
// A MeterConnection that also backfills the meter's load profiles ([[meter.profile]]) on the
// association it holds: before a register read, every profile whose read is due
// (next_profile_read: right after each association, then every `interval`) is read through
// the ProfileReader first. The session sees one slower read at most once per interval; a
// profile failure that broke the association surfaces as the failure of that read, so the
// session reconnects as it would for any dead connection.
//
// A profile read that broke the association is not tried again on the next association but
// one `interval` after it failed (the factory remembers it per meter and profile), so a profile
// the meter cannot serve costs one failed cycle per interval, not every cycle: the registers
// keep being read.
//
// Why a decorator: the profile reads need the session's association (meters such as the
// Microstar accept one association at a time), and this keeps the session's script unchanged.
#include <memory>
#include <optional>
#include <vector>

#include "bridge/poller/backfill_planner.h"
#include "bridge/poller/meter_connection.h"
#include "bridge/poller/profile_reader.h"

namespace bridge::app {

// Wraps `inner` (default: DLMS over TCP) so that meters with profiles get a BackfillConnection.
// `reader` must outlive every connection.
poller::ConnectionFactory backfill_connection_factory(poller::ProfileReader& reader, poller::ConnectionFactory inner = {});

}  // namespace bridge::app
