# breaks: an I-frame with an unexpected N(S) is taken as the next one
# file: src/dlms/src/hdlc/link.cpp
# build: dlms_unit_tests
# kill: ^(ClientFixture|PairFixture|LinkTest|LinkServerTest)\.
s/^\( *\)if (ns != vr_) {/\1if (false \&\& ns != vr_) {/
