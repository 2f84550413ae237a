# breaks: a connect does not turn the rows already in the outbox into backlog (they are never resent)
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests
# kill: ^(PumpCrashTest|PumpTest)\.
s/^\( *\)lane\.replay_pending = true;$/\1lane.replay_pending = lane.replay_cursor != 0;/
