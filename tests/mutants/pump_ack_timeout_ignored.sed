# breaks: a lane whose PUBACK never comes is not reported as timed out
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests
# kill: ^PumpTest\.(no_puback_within_ack_timeout|a_reconnect_restarts)
s/if (now - oldest >= options_\.ack_timeout) out\.push_back(i);/if (false \&\& now - oldest >= options_.ack_timeout) out.push_back(i);/
