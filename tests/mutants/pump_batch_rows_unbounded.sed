# breaks: a batch grows past max_rows readings
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests
# kill: ^PumpTest\.batches_respect
s/batch\.size() < batching\.max_rows \&\&/batch.size() < batching.max_rows + 1 \&\&/
