# breaks: outbox rows are deleted when published, not when the broker acknowledges them
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_integration_tests mqtt_publisher_driver
# kill: ^(CrashTest|FakeBrokerTest)\.
s/^\( *\)lane\.inflight_rows\.insert(r->id);/\1lane.inflight_rows.insert(r->id); (void)store_.remove(std::span<const std::int64_t>(\&r->id, 1));/
