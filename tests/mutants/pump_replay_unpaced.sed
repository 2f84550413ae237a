# breaks: the pump replays the backlog without the replay_rate token bucket
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests
# kill: ^PumpTest\.the_backlog_is_replayed_at_replay_rate
s/lane\.bucket\.emplace(options_\.replay_rate, 0\.0, now);/lane.bucket.emplace(0.0, 0.0, now);/
