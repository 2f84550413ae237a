#include "dlms/hdlc/frame.h"

#include <gtest/gtest.h>

#include "dlms/hdlc/frame_decoder.h"
#include "vectors.h"

namespace {

using namespace dlms::hdlc;
using dlms::testing::hex;

Address server1() { return *encode_server_address({0, 1, 1}); }
Address client1() { return *encode_client_address(1); }

TEST(FrameTest, every_golden_frame_decodes_and_re_encodes_byte_exactly) {
  int count = 0;
  for (const auto& v : dlms::testing::load_vectors("hdlc_frames.txt")) {
    if (v.kind != "frame") continue;
    auto frame = decode_frame(v.bytes);
    ASSERT_TRUE(frame) << v.name << " kind " << to_label(frame.error().kind);
    auto encoded = encode(*frame);
    ASSERT_TRUE(encoded) << v.name;
    EXPECT_EQ(dlms::to_hex(*encoded), dlms::to_hex(v.bytes)) << v.name;
    ++count;
  }
  EXPECT_EQ(count, 14);
}

TEST(FrameTest, production_snrm_and_disc_from_fields) {
  EXPECT_EQ(*encode(Frame{server1(), client1(), control::snrm(), false, {}}), hex("7E A0 07 03 03 93 8C 11 7E"));
  EXPECT_EQ(*encode(Frame{server1(), client1(), control::disc(), false, {}}), hex("7E A0 07 03 03 53 80 D7 7E"));
}

TEST(FrameTest, disc_for_one_two_and_four_byte_addresses) {
  const auto client16 = *encode_client_address(0x10);
  EXPECT_EQ(*encode(Frame{server1(), client1(), control::disc(), false, {}}), hex("7E A0 07 03 03 53 80 D7 7E"));
  EXPECT_EQ(*encode(Frame{*encode_server_address({1, 1, 2}), client16, control::disc(), false, {}}),
            hex("7E A0 08 02 03 21 53 8A A1 7E"));
  EXPECT_EQ(*encode(Frame{*encode_server_address({1, 3500, 4}), client16, control::disc(), false, {}}),
            hex("7E A0 0A 00 02 36 59 21 53 DE 43 7E"));
}

TEST(FrameTest, decoded_fields_of_the_pdf_ua) {
  auto f = decode_frame(dlms::testing::find_vector("hdlc_frames.txt", "pdf_ua").bytes);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type(), FrameType::ua);
  EXPECT_EQ(f->destination, *encode_client_address(0x10));
  EXPECT_EQ(f->source, *encode_server_address({1, 17, 4}));
  EXPECT_FALSE(f->segmented);
  EXPECT_EQ(f->info.size(), 23U);
}

TEST(FrameTest, segmentation_bit_and_long_length_are_encoded) {
  Frame f{server1(), client1(), control::i_frame(0, 0), true, dlms::Bytes(300, 0x11)};
  auto bytes = *encode(f);
  EXPECT_EQ(bytes[1], 0xA8 | 0x01);  // S bit, length bit 8
  EXPECT_EQ(bytes.size(), 2U + ((bytes[1] & 7U) << 8 | bytes[2]));
  auto back = decode_frame(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, f);
}

TEST(FrameTest, too_long_and_missing_address_are_errors) {
  const auto max = max_info_length(1, 1);
  EXPECT_TRUE(encode(Frame{server1(), client1(), 0x10, false, dlms::Bytes(max, 1)}));
  EXPECT_EQ(encode(Frame{server1(), client1(), 0x10, false, dlms::Bytes(max + 1, 1)}).error(), EncodeError::too_long);
  EXPECT_EQ(encode(Frame{{}, client1(), 0x10, false, {}}).error(), EncodeError::missing_address);
}

TEST(FrameTest, control_builders_match_dlms_md) {
  EXPECT_EQ(control::snrm(), 0x93);
  EXPECT_EQ(control::disc(), 0x53);
  EXPECT_EQ(control::ua(), 0x73);
  EXPECT_EQ(control::dm(), 0x1F);
  EXPECT_EQ(control::frmr(), 0x97);
  EXPECT_EQ(control::i_frame(0, 0), 0x10);
  EXPECT_EQ(control::i_frame(1, 1), 0x32);
  EXPECT_EQ(control::i_frame(4, 4), 0x98);
  EXPECT_EQ(control::rr(3), 0x71);
  EXPECT_EQ(control::classify(0x30), FrameType::i);
  EXPECT_EQ(control::classify(0x71), FrameType::rr);
  EXPECT_EQ(control::classify(0x75), FrameType::rnr);
  EXPECT_EQ(control::classify(0x63), FrameType::ua);
  EXPECT_EQ(control::classify(0x73), FrameType::ua);
  EXPECT_EQ(control::classify(0x1F), FrameType::dm);
  EXPECT_EQ(control::classify(0x97), FrameType::frmr);
  EXPECT_EQ(control::classify(0x13), FrameType::ui);
  EXPECT_EQ(control::classify(0x09), FrameType::unknown);  // REJ
  EXPECT_EQ(control::send_seq(0x98), 4);
  EXPECT_EQ(control::recv_seq(0x98), 4);
  EXPECT_TRUE(control::poll_final(0x98));
}

}  // namespace
