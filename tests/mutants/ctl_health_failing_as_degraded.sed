# breaks: ctl health exits 3 (degraded) for a failing bridge instead of 4
# file: src/status/src/operator_text.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^ReloadSafety\.health_fails_with_no_meters
s/  if (status == "failing") return kExitFailing;/  if (status == "failing") return kExitDegraded;/
