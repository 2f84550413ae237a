# breaks: the client accepts an I-frame whose N(R) does not acknowledge our V(S)
# file: src/dlms/src/hdlc/link.cpp
# build: dlms_unit_tests
# kill: ^(ClientFixture|PairFixture|LinkTest|LinkServerTest)\.
s/^\( *\)if (nr != vs_) {/\1if (false \&\& nr != vs_) {/
