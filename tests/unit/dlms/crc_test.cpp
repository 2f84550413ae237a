#include "dlms/hdlc/crc.h"

#include <gtest/gtest.h>

#include <string_view>

#include "dlms/hdlc/frame.h"
#include "vectors.h"

namespace {

using dlms::hdlc::crc16_x25;

TEST(CrcTest, check_value_of_123456789) {
  constexpr std::string_view kText = "123456789";
  const dlms::Bytes b(kText.begin(), kText.end());
  EXPECT_EQ(crc16_x25(b), 0x906E);
  EXPECT_EQ(crc16_x25(b), dlms::hdlc::kCrcCheckValue);
}

TEST(CrcTest, every_golden_frame_has_valid_fcs_lsb_first) {
  for (const auto& v : dlms::testing::load_vectors("hdlc_frames.txt")) {
    if (v.kind != "frame") continue;
    const auto& b = v.bytes;
    const std::size_t length = ((b[1] & 7U) << 8) | b[2];
    ASSERT_EQ(length + 2, b.size()) << v.name;
    const auto fcs = crc16_x25(dlms::ByteSpan(b).subspan(1, length - 2));
    EXPECT_EQ(fcs & 0xFF, b[length - 1]) << v.name;
    EXPECT_EQ(fcs >> 8, b[length]) << v.name;
  }
}

TEST(CrcTest, captured_headers_have_valid_hcs) {
  for (const auto& v : dlms::testing::load_vectors("hdlc_frames.txt")) {
    if (v.kind != "header") continue;
    const auto& b = v.bytes;
    const auto hcs = crc16_x25(dlms::ByteSpan(b).subspan(1, b.size() - 3));
    EXPECT_EQ(hcs & 0xFF, b[b.size() - 2]) << v.name;
    EXPECT_EQ(hcs >> 8, b[b.size() - 1]) << v.name;
  }
}

// docs/protocol.md 1.3: HCS is the CRC of the header, so the FCS depends only on the info field: the GET
// for 1-1:32.7.0 attr 3 ends in 96 5A whatever the addresses and control are.
TEST(CrcTest, fcs_depends_only_on_info_field) {
  using namespace dlms::hdlc;
  const auto info = dlms::testing::hex("E6 E6 00 C0 01 01 00 03 01 01 20 07 00 FF 03 00");
  const ServerAddress servers[] = {{0, 1, 1}, {1, 1, 2}, {1, 1234, 4}, {1, 17, 4}};
  for (const auto& server : servers) {
    for (std::uint8_t sap : {1, 16, 32}) {
      for (std::uint8_t ctrl : {0x10, 0x12, 0x32, 0x98}) {
        Frame f{*encode_server_address(server), *encode_client_address(sap), ctrl, false, info};
        const auto bytes = *encode(f);
        ASSERT_GE(bytes.size(), 3U);
        EXPECT_EQ(bytes[bytes.size() - 3], 0x96);
        EXPECT_EQ(bytes[bytes.size() - 2], 0x5A);
      }
    }
  }
}

}  // namespace
