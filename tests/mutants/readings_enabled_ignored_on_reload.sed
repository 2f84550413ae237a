# breaks: a reload does not apply [http] readings_enabled
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^BridgeE2E\.readings_enabled_false
s/readings_->set_enabled(fresh->http\.readings_enabled);/(void)fresh->http.readings_enabled;/
