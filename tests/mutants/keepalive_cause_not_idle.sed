# breaks: a failed keep-alive read is counted as reconnect cause "error", not "idle"
# file: src/poller/src/meter_session_cycle.cpp
# build: poller_fleet_tests
# kill: ^FleetTest\.a_failed_keepalive
s/co_await reconnect(ReconnectCause::idle, why);/co_await reconnect(ReconnectCause::error, why);/
