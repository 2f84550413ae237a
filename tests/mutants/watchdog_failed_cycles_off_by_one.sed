# breaks: the failed-cycles watchdog trips one cycle later than max_consecutive_failed_cycles
# file: src/poller/src/watchdogs.cpp
# build: poller_unit_tests
# kill: ^WatchdogsTest\.
s/failed_cycles_ >= policy_\.max_failed_cycles/failed_cycles_ > policy_.max_failed_cycles/
