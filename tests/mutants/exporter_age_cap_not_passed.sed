# breaks: the exporter hands the pump outbox_max_age as 0 (no age cap)
# file: exporters/mqtt/src/exporter.cpp
# build: mqtt_integration_tests
# kill: ^ExporterLimitsTest\.rows_older_than_outbox_max_age
s/p\.max_age = o\.outbox_max_age;/p.max_age = std::chrono::milliseconds(0);/
