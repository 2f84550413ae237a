#include "dlms/hdlc/frame_decoder.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace {

using namespace dlms::hdlc;
using dlms::LinkError;
using dlms::Bytes;
using dlms::testing::hex;

// Test-only drain: every result until NeedData.
std::vector<DecodeResult> drain(FrameDecoder& d) {
  std::vector<DecodeResult> out;
  for (;;) {
    auto r = d.next();
    if (std::holds_alternative<NeedData>(r)) return out;
    out.push_back(std::move(r));
  }
}

std::vector<Bytes> frames_of(const std::vector<DecodeResult>& results) {
  std::vector<Bytes> out;
  for (const auto& r : results) {
    if (auto* f = std::get_if<Frame>(&r)) out.push_back(*encode(*f));
  }
  return out;
}

std::vector<LinkError> errors_of(const std::vector<DecodeResult>& results) {
  std::vector<LinkError> out;
  for (const auto& r : results) {
    if (auto* e = std::get_if<FrameError>(&r)) out.push_back(e->kind);
  }
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<Bytes> golden_frames() {
  std::vector<Bytes> out;
  for (const auto& v : dlms::testing::load_vectors("hdlc_frames.txt")) {
    if (v.kind == "frame") out.push_back(v.bytes);
  }
  return out;
}

// h11 tr(): whole, byte by byte, split at every offset, followed by the next frame.
TEST(FrameDecoderTest, every_golden_frame_whole_byte_by_byte_and_split_everywhere) {
  const auto frames = golden_frames();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const Bytes& f = frames[i];
    const Bytes& follower = frames[(i + 1) % frames.size()];
    {
      FrameDecoder d;
      d.feed(f);
      EXPECT_EQ(frames_of(drain(d)), std::vector<Bytes>{f});
    }
    {
      FrameDecoder d;
      std::vector<DecodeResult> results;
      for (auto b : f) {
        d.feed(dlms::ByteSpan(&b, 1));
        for (auto& r : drain(d)) results.push_back(std::move(r));
      }
      EXPECT_EQ(frames_of(results), std::vector<Bytes>{f});
      EXPECT_TRUE(errors_of(results).empty());
    }
    const Bytes both = concat({f, follower});
    for (std::size_t cut = 0; cut <= both.size(); ++cut) {
      FrameDecoder d;
      d.feed(dlms::ByteSpan(both).first(cut));
      auto results = drain(d);
      d.feed(dlms::ByteSpan(both).subspan(cut));
      for (auto& r : drain(d)) results.push_back(std::move(r));
      EXPECT_EQ(frames_of(results), (std::vector<Bytes>{f, follower})) << "cut " << cut;
      EXPECT_TRUE(errors_of(results).empty()) << "cut " << cut;
    }
  }
}

// [BUG] docs/protocol.md 1.2: 7E inside the HCS (PDF AARQ) truncated the frame in the previous system.
TEST(FrameDecoderTest, flag_byte_inside_hcs_is_data) {
  const auto f = dlms::testing::find_vector("hdlc_frames.txt", "pdf_aarq_no_auth_hcs_contains_7e").bytes;
  FrameDecoder d;
  d.feed(f);
  EXPECT_EQ(frames_of(drain(d)), std::vector<Bytes>{f});
}

Frame response_with_info(Bytes info) {
  return Frame{*encode_client_address(1), *encode_server_address({0, 1, 1}), control::i_frame(1, 2), false,
               std::move(info)};
}

// [BUG] docs/protocol.md 1.2: voltage raw value 0x0000357E broke the previous system.
TEST(FrameDecoderTest, flag_byte_inside_payload_is_data) {
  const Bytes f = *encode(response_with_info(hex("E6 E7 00 C4 01 C2 00 06 00 00 35 7E")));
  FrameDecoder d;
  d.feed(f);
  auto results = drain(d);
  ASSERT_EQ(frames_of(results), std::vector<Bytes>{f});
  EXPECT_EQ(std::get<Frame>(results[0]).info.back(), 0x7E);
}

TEST(FrameDecoderTest, flag_byte_inside_fcs_is_data) {
  // Search a payload whose FCS contains 7E so the test does not depend on luck.
  for (unsigned v = 0; v < 65536; ++v) {
    Bytes info = hex("E6 E7 00 C4 01 C1 00 12");
    info.push_back(static_cast<std::uint8_t>(v >> 8));
    info.push_back(static_cast<std::uint8_t>(v));
    const Bytes f = *encode(response_with_info(info));
    if (f[f.size() - 3] != 0x7E && f[f.size() - 2] != 0x7E) continue;
    FrameDecoder d;
    d.feed(f);
    EXPECT_EQ(frames_of(drain(d)), std::vector<Bytes>{f});
    return;
  }
  FAIL() << "no payload with 7E in the FCS";
}

TEST(FrameDecoderTest, two_frames_in_one_feed_with_shared_flag) {
  const Bytes a = hex("7E A0 07 03 03 93 8C 11 7E");
  const Bytes b = hex("7E A0 07 03 03 53 80 D7 7E");
  Bytes shared = a;
  shared.insert(shared.end(), b.begin() + 1, b.end());  // one flag between them
  FrameDecoder d;
  d.feed(shared);
  EXPECT_EQ(frames_of(drain(d)), (std::vector<Bytes>{a, b}));
}

// [BUG] docs/protocol.md 1.2: `EB A3 7E 7E A0 07 ...` kept the previous system one frame out of step.
TEST(FrameDecoderTest, garbage_and_double_flag_before_a_frame_are_skipped) {
  const Bytes good = hex("7E A0 07 03 03 93 8C 11 7E");
  FrameDecoder d;
  d.feed(concat({hex("EB A3 7E"), good}));
  auto results = drain(d);
  EXPECT_EQ(frames_of(results), std::vector<Bytes>{good});
  EXPECT_TRUE(errors_of(results).empty());
  EXPECT_EQ(d.garbage_bytes(), 2U);
}

TEST(FrameDecoderTest, truncated_frame_then_good_frame_resynchronises) {
  // The first frame lost its tail (connection glitch): its announced length swallows the start of
  // the next frame, the missing closing flag / HCS is detected and the good frame still decodes.
  const Bytes good = dlms::testing::find_vector("hdlc_frames.txt", "production_get_voltage_attr3").bytes;
  Bytes truncated(good.begin(), good.begin() + 12);
  FrameDecoder d;
  d.feed(concat({truncated, good}));
  auto results = drain(d);
  EXPECT_EQ(frames_of(results), std::vector<Bytes>{good});
  EXPECT_EQ(errors_of(results).size(), 1U);
}

TEST(FrameDecoderTest, corrupted_fcs_skips_that_frame_only) {
  Bytes bad = dlms::testing::find_vector("hdlc_frames.txt", "production_get_voltage_attr3").bytes;
  bad[bad.size() - 5] ^= 0x01;  // payload bit flip
  const Bytes good = hex("7E A0 07 03 03 53 80 D7 7E");
  FrameDecoder d;
  d.feed(concat({bad, good}));
  auto results = drain(d);
  ASSERT_EQ(results.size(), 2U);
  const auto& e = std::get<FrameError>(results[0]);
  EXPECT_EQ(e.kind, LinkError::fcs);
  EXPECT_EQ(e.skipped_bytes, bad.size() - 1);
  EXPECT_EQ(e.raw, bad);
  EXPECT_EQ(frames_of(results), std::vector<Bytes>{good});
}

TEST(FrameDecoderTest, corrupted_hcs_is_reported_and_next_frame_survives) {
  Bytes bad = dlms::testing::find_vector("hdlc_frames.txt", "production_get_voltage_attr3").bytes;
  bad[6] ^= 0x01;
  const Bytes good = hex("7E A0 07 03 03 53 80 D7 7E");
  FrameDecoder d;
  d.feed(concat({bad, good}));
  auto results = drain(d);
  auto errors = errors_of(results);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.front(), LinkError::hcs);
  EXPECT_EQ(frames_of(results), std::vector<Bytes>{good});
}

TEST(FrameDecoderTest, corrupted_length_field_does_not_stall) {
  Bytes bad = dlms::testing::find_vector("hdlc_frames.txt", "production_get_voltage_attr3").bytes;
  bad[2] = 0xFF;  // announces 255 bytes; the HCS check exposes it without waiting
  FrameDecoder d;
  d.feed(bad);
  auto results = drain(d);
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(errors_of(results).front(), LinkError::hcs);
  const Bytes good = hex("7E A0 07 03 03 53 80 D7 7E");
  d.feed(good);
  EXPECT_EQ(frames_of(drain(d)), std::vector<Bytes>{good});
}

TEST(FrameDecoderTest, too_short_length_and_bad_addresses_are_errors) {
  FrameDecoder d;
  d.feed(hex("7E A0 03 03 03 93 7E"));
  EXPECT_EQ(errors_of(drain(d)), std::vector<LinkError>{LinkError::length});
  FrameDecoder d3;
  d3.feed(hex("7E A0 0A 00 02 03 21 93 00 00 00 7E"));  // 3-byte server address
  auto errors = errors_of(drain(d3));
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.front(), LinkError::format);
}

TEST(FrameDecoderTest, missing_closing_flag_is_format_error) {
  Bytes bad = hex("7E A0 07 03 03 93 8C 11 00");
  FrameDecoder d;
  d.feed(bad);
  EXPECT_EQ(errors_of(drain(d)), std::vector<LinkError>{LinkError::format});
}

TEST(FrameDecoderTest, address_filter_rejects_frames_for_someone_else) {
  FrameDecoder d(AddressFilter{*encode_client_address(1), *encode_server_address({0, 1, 1})});
  const Bytes for_us = *encode(response_with_info(hex("E6 E7 00 C4 01 C1 00 00")));
  Frame other = response_with_info(hex("E6 E7 00 C4 01 C1 00 00"));
  other.destination = *encode_client_address(0x10);
  const Bytes not_for_us = *encode(other);
  d.feed(concat({not_for_us, for_us}));
  auto results = drain(d);
  EXPECT_EQ(errors_of(results), std::vector<LinkError>{LinkError::address});
  EXPECT_EQ(frames_of(results), std::vector<Bytes>{for_us});
}

TEST(FrameDecoderTest, buffer_stays_bounded_while_waiting) {
  FrameDecoder d;
  Frame big{*encode_server_address({0, 1, 1}), *encode_client_address(1), 0x10, false,
            Bytes(max_info_length(1, 1), 0x7E)};
  Bytes bytes = *encode(big);
  ASSERT_EQ(bytes.size(), kMaxEncodedFrame);
  d.feed(dlms::ByteSpan(bytes).first(bytes.size() - 1));
  EXPECT_TRUE(drain(d).empty());
  EXPECT_LE(d.buffered(), kMaxEncodedFrame);
  d.feed(dlms::ByteSpan(bytes).last(1));
  EXPECT_EQ(frames_of(drain(d)), std::vector<Bytes>{bytes});
  // Hunting through garbage retains nothing.
  d.feed(Bytes(10000, 0x55));
  EXPECT_TRUE(drain(d).empty());
  EXPECT_EQ(d.buffered(), 0U);
}

TEST(FrameDecoderTest, decode_frame_requires_exactly_one_frame) {
  EXPECT_TRUE(decode_frame(hex("7E A0 07 03 03 93 8C 11 7E")));
  EXPECT_FALSE(decode_frame(hex("7E A0 07 03 03 93 8C 11")));
  EXPECT_FALSE(decode_frame(hex("7E A0 07 03 03 93 8C 11 7E 00")));
  EXPECT_FALSE(decode_frame(hex("")));
}

}  // namespace
