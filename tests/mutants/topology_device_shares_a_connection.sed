# breaks: device mode publishes every meter over one shared connection instead of one per meter token
# file: exporters/mqtt/src/topology.cpp
# build: mqtt_unit_tests
# kill: ^TopologyTest\.device
s/return std::make_unique<SingleReadingTopology>(options, \/\*per_meter=\*\/true);/return std::make_unique<SingleReadingTopology>(options, \/*per_meter=*\/false);/
