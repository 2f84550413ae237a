# breaks: the pump passes max_age 0 to the outbox (rows never expire)
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests
# kill: ^PumpTest\.rows_older_than_max_age
s/store_\.enforce_caps(options_\.max_messages, options_\.max_age, wall_ms)/store_.enforce_caps(options_.max_messages, std::chrono::milliseconds(0), wall_ms)/
