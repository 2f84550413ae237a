# breaks: outbox_max_age is never enforced (passed as 0)
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_integration_tests
# kill: ^ExporterLimitsTest\.rows_older_than_outbox_max_age
s/store_\.enforce_caps(options_\.max_messages, options_\.max_age, wall_ms)/store_.enforce_caps(options_.max_messages, std::chrono::milliseconds(0), wall_ms)/
