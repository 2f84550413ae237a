# breaks: the pump deletes a row when it hands it to the publisher, not at its PUBACK
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests
# kill: ^PumpCrashTest\.
s/^\( *\)lane\.inflight_rows\.insert(r->id);/\1lane.inflight_rows.insert(r->id); (void)store_.remove(std::span<const std::int64_t>(\&r->id, 1));/
