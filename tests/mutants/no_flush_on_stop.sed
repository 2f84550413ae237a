# breaks: stop() no longer waits for the PUBACKs of what is in flight
# file: exporters/mqtt/src/exporter.cpp
# build: mqtt_integration_tests
# kill: ^ExporterShutdownTest\.
s/while (pending() > 0 && Clock::now() < deadline) {/while (false \&\& pending() > 0 \&\& Clock::now() < deadline) {/
