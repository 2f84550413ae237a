# breaks: clock = "sync" moves the meter's clock by the whole offset at once, beyond clock_max_step
# file: src/poller/src/clock_check.cpp
# build: poller_unit_tests
# kill: ^ClockCheckTest\.
s/const double correction = std::clamp(offset, -max_step, max_step);/const double correction = offset;/
