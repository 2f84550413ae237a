# breaks: the HDLC-error watchdog trips one error later than max_consecutive_hdlc_errors
# file: src/poller/src/watchdogs.cpp
# build: poller_unit_tests
# kill: ^WatchdogsTest\.
s/hdlc_errors_ >= policy_\.max_hdlc_errors/hdlc_errors_ > policy_.max_hdlc_errors/
