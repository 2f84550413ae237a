# breaks: an oversized segmented response is reported as unexpected_frame, not segmentation
# file: src/dlms/src/hdlc/link.cpp
# build: dlms_unit_tests
# kill: ^ClientFixture\.a_segmented_response_growing
s/::segmentation, "reassembled information field exceeds 64 KiB"/::unexpected_frame, "reassembled information field exceeds 64 KiB"/
