#pragma once
// JSON views of poller snapshots and stored events for the REST API and `dlms-bridge ctl`.
#include <nlohmann/json.hpp>

#include "bridge/poller/status.h"
#include "bridge/store/event_record.h"

namespace bridge::app {

nlohmann::json to_json(const poller::MeterStatus& status);
nlohmann::json to_json(const poller::TestResult& result);
nlohmann::json to_json(const poller::Diagnosis& diagnosis);
nlohmann::json to_json(const store::StoredEvent& event);

}  // namespace bridge::app
