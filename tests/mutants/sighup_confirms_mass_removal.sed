# breaks: SIGHUP applies a reload that stops more than half of the meters (only the API can confirm)
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^ReloadSafety\.a_truncated_config_never_removes_meters_silently
s/^\( *\)auto r = reload(false);$/\1auto r = reload(true);/
