# breaks: after a restart the HLS-GMAC invocation counter starts again at 1 instead of above the stored one (the meter refuses it as a replay)
# file: src/transport/src/connection.cpp
# build: poller_integration_tests dlms-meter-sim
# kill: ^HlsPollerTest\.reads_an_hls_gmac_meter_and_continues_its_counter
s/if (auto stored = counter_hooks\.load()) ic = std::max(ic, \*stored);/if (auto stored = counter_hooks.load()) (void)stored;/
