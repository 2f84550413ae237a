# breaks: [mqtt] outbox_max_age never reaches the exporter (mapped as 0, no age cap)
# file: exporters/mqtt/src/config_adapter.cpp
# build: mqtt_unit_tests
# kill: ^ConfigAdapterTest\.
s/o\.outbox_max_age = c\.outbox_max_age\.value_or(std::chrono::milliseconds(0));/o.outbox_max_age = std::chrono::milliseconds(0);/
