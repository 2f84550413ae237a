# breaks: GET /api/v1/events: severity=warning is ignored (no minimum severity)
# file: src/app/events_query.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^EventsApi\.
s/filter\.min_severity = Severity::warning;/(void)0;/
