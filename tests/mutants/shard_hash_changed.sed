# breaks: which shard owns a meter changes (the hash is part of the deployment contract)
# file: src/config/src/shard.cpp
# build: config_unit_tests
# kill: ^ShardOwnership\.
s/key = key \* 2862933555777941757ULL + 1;/key = key * 2862933555777941757ULL + 3;/
