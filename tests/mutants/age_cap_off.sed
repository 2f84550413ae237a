# breaks: outbox_max_age is never enforced (passed as 0)
# file: exporters/mqtt/src/exporter.cpp
# build: mqtt_integration_tests
# kill: ^ExporterLimitsTest\.rows_older_than_outbox_max_age
s/store\.outbox_enforce_caps(options\.outbox_max_messages, options\.outbox_max_age, /store.outbox_enforce_caps(options.outbox_max_messages, std::chrono::milliseconds(0), /
