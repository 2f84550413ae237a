# breaks: readings count as published (meter_readings_published_total, publish latency) when sent, not on their PUBACK
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_integration_tests
# kill: ^(FakeBrokerTest|ExporterShutdownTest)\.
s/^\( *\)report_\.acked(f\.per_meter, f\.read_ts_ms);$/\1(void)0;/
s/^\( *\)report_\.published();$/\1report_.published(); if (const auto\& g = lane.inflight[res.mid]; g.telemetry) report_.acked(g.per_meter, g.read_ts_ms);/
