# breaks: a permanently rejected reading is retried forever instead of dropped (blocks the outbox)
# file: exporters/mqtt/src/outbox_pump.cpp
# build: mqtt_unit_tests
# kill: ^PumpTest\.a_permanently_rejected
s/^\( *\)if (res\.permanent) {/\1if (false \&\& res.permanent) {/
