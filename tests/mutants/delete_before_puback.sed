# breaks: outbox rows are deleted when published, not when the broker acknowledges them
# file: exporters/mqtt/src/exporter.cpp
# build: mqtt_integration_tests mqtt_publisher_driver
# kill: ^(CrashTest|FakeBrokerTest)\.
s/^\( *\)c\.inflight_rows\.insert(r->id);/\1c.inflight_rows.insert(r->id); (void)store.outbox_delete(std::span<const std::int64_t>(\&r->id, 1));/
