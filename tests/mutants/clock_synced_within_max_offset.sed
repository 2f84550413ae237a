# breaks: clock = "sync" writes the meter's clock even when its offset is within clock_max_offset
# file: src/poller/src/clock_check.cpp
# build: poller_unit_tests
# kill: ^ClockCheckTest\.
s/if (std::abs(offset) <= max_offset) return std::nullopt;/if (false \&\& std::abs(offset) <= max_offset) return std::nullopt;/
