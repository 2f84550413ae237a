# breaks: a config without any [[meter]] (empty or truncated file) loads without allow_no_meters
# file: src/config/src/loader.cpp
# build: config_unit_tests
# kill: ^NoMetersTest\.
s/if ((meter_node == nullptr || (meter_list != nullptr \&\& meter_list->empty())) \&\& !config\.bridge\.allow_no_meters) {/if (false \&\& (meter_node == nullptr || (meter_list != nullptr \&\& meter_list->empty())) \&\& !config.bridge.allow_no_meters) {/
