// Client SET (the clock) and the tolerated trailing bytes after a complete GET value.
#include <gtest/gtest.h>

#include "dlms/cosem/client.h"
#include "vectors.h"

namespace {

using namespace dlms::cosem;
using dlms::Bytes;
using dlms::testing::find_vector;
using dlms::testing::hex;

Bytes apdu(const char* name) { return find_vector("apdus.txt", name).bytes; }
const AttributeDescriptor kClock{8, *parse_obis("0-0:1.0.0"), 2, std::nullopt};

struct ClientSetTest : ::testing::Test {
  Client client{[] {
    ClientConfig c;
    c.invoke_flags = 0x80;  // the vendor guide's examples use invoke byte 0x81
    return c;
  }()};
  TimePoint now = TimePoint{} + std::chrono::seconds(5);

  void SetUp() override {
    ASSERT_TRUE(client.associate(now));
    ASSERT_TRUE(client.poll_transmit());
    client.handle_apdu(apdu("pdf_aare_accepted"), now);
    ASSERT_TRUE(std::holds_alternative<Associated>(*client.poll_event()));
  }
  std::vector<ClientEvent> events() {
    std::vector<ClientEvent> out;
    while (auto e = client.poll_event()) out.push_back(*e);
    return out;
  }
};

TEST_F(ClientSetTest, sets_the_clock_as_in_the_vendor_guide) {
  ASSERT_TRUE(client.set(kClock, OctetString{hex("07 D2 0C 04 03 0A 06 0B FF 00 78 00")}, now));
  EXPECT_EQ(client.set(kClock, Null{}, now).error(), ClientError::busy);  // one at a time
  EXPECT_EQ(client.poll_transmit(), apdu("pdf_set_clock"));
  client.handle_apdu(apdu("pdf_set_clock_success"), now);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1U);
  const auto& r = std::get<SetResult>(ev[0]);
  EXPECT_EQ(r.result, DataAccessResult::success);
  EXPECT_EQ(r.attribute, kClock);
  EXPECT_FALSE(client.busy());
}

TEST_F(ClientSetTest, a_refused_set_is_a_result_and_a_late_get_reply_does_not_answer_it) {
  ASSERT_TRUE(client.set(kClock, OctetString{Bytes(12, 0)}, now));
  ASSERT_TRUE(client.poll_transmit());
  client.handle_apdu(hex("C5 01 81 03"), now);
  EXPECT_EQ(std::get<SetResult>(events().at(0)).result, DataAccessResult::read_write_denied);

  ASSERT_TRUE(client.set(kClock, OctetString{Bytes(12, 0)}, now));
  ASSERT_TRUE(client.poll_transmit());
  client.handle_apdu(hex("C4 01 82 00 11 01"), now);  // a late GET reply: dropped, counted
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(client.stale_responses(), 1U);
  client.handle_apdu(hex("C5 01 82 00"), now);
  EXPECT_EQ(std::get<SetResult>(events().at(0)).result, DataAccessResult::success);
}

TEST_F(ClientSetTest, no_set_response_is_a_named_timeout) {
  ASSERT_TRUE(client.set(kClock, OctetString{Bytes(12, 0)}, now));
  ASSERT_TRUE(client.poll_transmit());
  client.handle_timeout(*client.poll_timeout());
  const auto f = std::get<ClientFailed>(events().at(0));
  EXPECT_EQ(f.reason, FailReason::timeout);
  EXPECT_EQ(f.message, "no SET response within the response timeout");
}

// docs/protocol.md 1.18: a server appends bytes after the complete clock value.
TEST_F(ClientSetTest, trailing_bytes_after_a_complete_value_are_a_counted_warning) {
  ASSERT_TRUE(client.get(kClock, now));
  EXPECT_EQ(client.poll_transmit(), apdu("pdf_get_clock"));
  client.handle_apdu(apdu("quirk_reply_clock_trailing"), now);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1U);
  const auto& r = std::get<GetResult>(ev[0]);
  EXPECT_EQ(std::get<Value>(r.result), Value(OctetString{hex("07 D2 0C 04 03 0A 06 0B FF 00 78 00")}));
  EXPECT_EQ(r.trailing_bytes, 2U);
  EXPECT_EQ(client.protocol_warnings(), 1U);
  EXPECT_EQ(client.state(), ClientState::associated);

  // An incomplete value still fails.
  ASSERT_TRUE(client.get(kClock, now));
  ASSERT_TRUE(client.poll_transmit());
  client.handle_apdu(hex("C4 01 82 00 09 0C 07 D2 0C"), now);
  EXPECT_EQ(std::get<ClientFailed>(events().at(0)).message, "malformed GET response: truncated");
}

TEST_F(ClientSetTest, trailing_bytes_after_block_data_are_tolerated_the_same_way) {
  ASSERT_TRUE(client.get(kClock, now));
  ASSERT_TRUE(client.poll_transmit());
  client.handle_apdu(hex("C4 02 81 00 00 00 00 01 00 08 09 0C 07 D2 0C 04 03 0A"), now);
  EXPECT_EQ(client.poll_transmit(), hex("C0 02 81 00 00 00 01"));
  client.handle_apdu(hex("C4 02 81 01 00 00 00 02 00 07 06 0B FF 00 78 00 AA"), now);
  const auto r = std::get<GetResult>(events().at(0));
  EXPECT_EQ(r.trailing_bytes, 1U);
  EXPECT_EQ(client.protocol_warnings(), 1U);
}

}  // namespace
