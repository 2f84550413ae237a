# breaks: a reconnect forced by changed connection settings is counted as cause "error", not "config_reload"
# file: src/poller/src/meter_session.cpp
# build: poller_fleet_tests
# kill: ^FleetTest\.a_reload_that_changes
s/co_await reconnect(ReconnectCause::config_reload, why);/co_await reconnect(ReconnectCause::error, why);/
