# breaks: GET /api/v1/events: the since filter is ignored
# file: src/app/events_query.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^EventsApi\.
s/filter\.since_ms = now_ms - d->count();/(void)d; (void)now_ms;/
