# breaks: the HDLC frame check sequence (FCS) is not verified
# file: src/dlms/src/hdlc/frame_decoder.cpp
# build: dlms_unit_tests
# kill: ^FrameDecoderTest\.
s/if (fcs != got) return fail(/if (false \&\& fcs != got) return fail(/
