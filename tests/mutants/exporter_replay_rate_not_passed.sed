# breaks: the exporter hands the pump replay_rate as 0 (unpaced replay)
# file: exporters/mqtt/src/exporter.cpp
# build: mqtt_integration_tests
# kill: ^ExporterLimitsTest\.backlog_replay
s/p\.replay_rate = o\.replay_rate;/p.replay_rate = 0;/
