# breaks: after an ack timeout the forgotten window's rows still count as in flight (never republished)
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests
# kill: ^PumpTest\.no_puback_within_ack_timeout
s/^\( *\)lane\.inflight_rows\.clear();/\1(void)0;/
