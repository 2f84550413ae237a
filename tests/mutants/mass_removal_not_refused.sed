# breaks: a reload that stops more than half of the running meters is applied without confirmation
# file: src/config/src/reload_guard.cpp
# build: config_unit_tests
# kill: ^ReloadGuardTest\.
s/const bool mass = c\.stopping\.size() \* 2 > c\.running;/const bool mass = false \&\& c.stopping.size() * 2 > c.running;/
