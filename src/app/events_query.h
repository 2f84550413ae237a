#pragma once
// GET /api/v1/events?meter=&category=&since=&severity=&limit= -> an EventFilter, or the
// specific 400 message for the first bad parameter. Pure (no store, no clock of its own) so
// the HTTP fuzz target can run it.
#include <cstdint>
#include <map>
#include <string>

#include "bridge/result.h"
#include "bridge/store/event_record.h"

namespace bridge::app {

Result<store::EventFilter, std::string> parse_events_query(const std::map<std::string, std::string>& params,
                                                           std::int64_t now_ms);

}  // namespace bridge::app
