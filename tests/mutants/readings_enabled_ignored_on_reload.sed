# breaks: a reload does not apply [http] readings_enabled
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^BridgeE2E\.readings_enabled_false
s/^    apply_series_budget(fresh->http);$/    { auto http = fresh->http; http.readings_enabled = readings_->enabled(); apply_series_budget(http); }/
