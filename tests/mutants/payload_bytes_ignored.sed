# breaks: gateway batches grow past max_payload_bytes
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_integration_tests
# kill: ^ExporterLimitsTest\.gateway_batches
s/batch_bytes + row\.payload\.size() + 2 <= batching\.max_bytes/(batch_bytes + row.payload.size() + 2 > 0)/
