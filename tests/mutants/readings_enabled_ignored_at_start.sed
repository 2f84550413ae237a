# breaks: [http] readings_enabled = false is ignored at start
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^BridgeE2E\.readings_enabled_false
s/^    apply_series_budget(cfg\.http);$/    { auto http = cfg.http; http.readings_enabled = true; apply_series_budget(http); }/
