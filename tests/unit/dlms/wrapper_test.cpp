#include "dlms/wrapper.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace {

using namespace dlms::wrapper;
using dlms::LinkError;
using dlms::Bytes;
using dlms::testing::hex;

std::vector<DecodeResult> drain(WrapperDecoder& d) {
  std::vector<DecodeResult> out;
  for (;;) {
    auto r = d.next();
    if (std::holds_alternative<dlms::NeedData>(r)) return out;
    out.push_back(std::move(r));
  }
}

const Bytes kGet = hex("C0 01 C1 00 03 01 01 20 07 00 FF 02 00");

TEST(WrapperTest, encode_header_is_version_wports_length) {
  auto b = encode(Message{0x0010, 0x0001, kGet});
  ASSERT_TRUE(b);
  EXPECT_EQ(dlms::to_hex(*b), "00 01 00 10 00 01 00 0D " + dlms::to_hex(kGet));
  EXPECT_EQ(encode(Message{1, 1, Bytes(70000)}).error(), EncodeError::too_long);
}

TEST(WrapperTest, decode_whole_byte_by_byte_and_two_in_one_feed) {
  const Bytes a = *encode(Message{0x10, 0x01, kGet});
  const Bytes b = *encode(Message{0x01, 0x10, hex("C4 01 C1 00 06 00 00 35 7E")});
  Bytes both = a;
  both.insert(both.end(), b.begin(), b.end());
  for (std::size_t cut = 0; cut <= both.size(); ++cut) {
    WrapperDecoder d;
    d.feed(dlms::ByteSpan(both).first(cut));
    auto results = drain(d);
    d.feed(dlms::ByteSpan(both).subspan(cut));
    for (auto& r : drain(d)) results.push_back(std::move(r));
    ASSERT_EQ(results.size(), 2U) << cut;
    EXPECT_EQ(std::get<Message>(results[0]), (Message{0x10, 0x01, kGet}));
    EXPECT_EQ(std::get<Message>(results[1]).apdu, hex("C4 01 C1 00 06 00 00 35 7E"));
  }
  WrapperDecoder d;
  std::vector<DecodeResult> results;
  for (auto byte : both) {
    d.feed(dlms::ByteSpan(&byte, 1));
    for (auto& r : drain(d)) results.push_back(std::move(r));
  }
  EXPECT_EQ(results.size(), 2U);
  EXPECT_EQ(d.buffered(), 0U);
}

// Resync rule: a bad version skips one byte and the decoder looks for 00 01 again.
TEST(WrapperTest, bad_version_skips_until_next_header) {
  const Bytes good = *encode(Message{0x10, 0x01, kGet});
  Bytes stream = hex("00 02 FF");
  stream.insert(stream.end(), good.begin(), good.end());
  WrapperDecoder d;
  d.feed(stream);
  auto results = drain(d);
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(std::get<WrapperError>(results[0]).kind, LinkError::format);
  EXPECT_EQ(std::get<Message>(results.back()).apdu, kGet);
}

TEST(WrapperTest, length_above_limit_and_foreign_wports_are_errors) {
  WrapperDecoder d(16);
  d.feed(*encode(Message{0x10, 0x01, Bytes(17, 0)}));
  EXPECT_EQ(std::get<WrapperError>(d.next()).kind, LinkError::length);

  WrapperDecoder f(0xFFFF, WportFilter{0x01, 0x10});
  const Bytes other = *encode(Message{0x01, 0x20, kGet});
  const Bytes ours = *encode(Message{0x01, 0x10, kGet});
  Bytes both = other;
  both.insert(both.end(), ours.begin(), ours.end());
  f.feed(both);
  auto results = drain(f);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(std::get<WrapperError>(results[0]).kind, LinkError::address);
  EXPECT_EQ(std::get<WrapperError>(results[0]).skipped_bytes, other.size());
  EXPECT_EQ(std::get<Message>(results[1]).destination, 0x10);
}

}  // namespace
