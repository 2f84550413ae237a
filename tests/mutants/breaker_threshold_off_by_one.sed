# breaks: the circuit breaker opens one reconnect later than breaker_max_reconnects
# file: src/poller/src/circuit_breaker.cpp
# build: poller_unit_tests
# kill: ^CircuitBreakerTest\.
s/history_\.size() >= policy_\.max_reconnects/history_.size() > policy_.max_reconnects/
