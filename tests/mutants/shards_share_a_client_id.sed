# breaks: the instances of a sharded fleet use one MQTT client id (the broker disconnects one for the other)
# file: src/config/src/shard.cpp
# build: config_unit_tests
# kill: ^ShardPlacement\.
s/^\( *\)config\.mqtt\.client_id += suffix;/\1(void)0;/
