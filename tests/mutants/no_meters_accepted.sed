# breaks: a config without any [[meter]] (empty or truncated file) loads without allow_no_meters
# file: src/config/src/loader.cpp
# build: config_unit_tests
# kill: ^NoMetersTest\.
s/if (r\.node("meter") == nullptr \&\& !config\.bridge\.allow_no_meters) {/if (false \&\& r.node("meter") == nullptr \&\& !config.bridge.allow_no_meters) {/
