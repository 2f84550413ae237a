# breaks: SIGINT (Ctrl-C) kills the bridge instead of stopping it gracefully
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^BridgeE2E\.sigint_stops_gracefully
s/signal_set signals(io_, SIGINT, SIGTERM, SIGHUP);/signal_set signals(io_, SIGTERM, SIGHUP);/
