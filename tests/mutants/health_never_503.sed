# breaks: /api/v1/health answers 200 while failing
# file: src/app/rest_routes.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^BridgeE2E\.readings_made_during_a_broker_outage
s/body\["status"\] == "failing" ? 503 : 200/body["status"] == "failing" ? 200 : 200/
