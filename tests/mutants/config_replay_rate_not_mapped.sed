# breaks: [mqtt] replay_rate never reaches the exporter (mapped as 0, unpaced replay)
# file: exporters/mqtt/src/config_adapter.cpp
# build: mqtt_unit_tests
# kill: ^ConfigAdapterTest\.
s/o\.replay_rate = c\.replay_rate;/o.replay_rate = 0;/
