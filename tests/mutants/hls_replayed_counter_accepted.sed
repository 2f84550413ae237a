# breaks: an HLS-GMAC APDU whose invocation counter is not above the last one (a replay) is accepted
# file: src/dlms/src/cosem/client_hls.cpp
# build: dlms_unit_tests
# kill: ^ClientHlsTest\.
s/if (server_ic_ \&\& ic <= \*server_ic_) {/if (false \&\& server_ic_ \&\& ic <= *server_ic_) {/
