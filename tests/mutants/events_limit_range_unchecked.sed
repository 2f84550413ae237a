# breaks: GET /api/v1/events: limit=0 and limit above 10000 are accepted instead of a 400
# file: src/app/events_query.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^EventsApi\.
s/n == 0 || n > kMaxLimit/false/
