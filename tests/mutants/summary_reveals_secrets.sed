# breaks: check-config's summary and the config history print passwords, tokens and keys in clear
# file: src/config/src/summary.cpp
# build: config_unit_tests
# kill: ^(SecretsMaskingTest|HlsKeysTest)\.
s/^  return s\.to_string();$/  return s.reveal();/
