# breaks: outbox_max_messages is never enforced (passed as 0): an outage grows the outbox without bound
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests mqtt_integration_tests
# kill: ^(PumpTest\.rows_older_than_max_age|FailureTest\.outbox_cap_during_an_outage)
s/store_\.enforce_caps(options_\.max_messages, options_\.max_age, wall_ms)/store_.enforce_caps(0, options_.max_age, wall_ms)/
