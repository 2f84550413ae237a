# breaks: [http] readings_enabled = false is ignored at start
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^BridgeE2E\.readings_enabled_false
s/readings_->set_enabled(cfg\.http\.readings_enabled);/(void)cfg.http.readings_enabled;/
