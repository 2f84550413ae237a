// The order `discover` tries addresses and credentials in, and the parsing of its options.
#include "discovery_plan.h"

#include <gtest/gtest.h>

namespace {

using bridge::app::address_forms;
using bridge::app::ClientCredential;
using bridge::app::credential_order;
using bridge::app::parse_credential;
using bridge::app::physical_from_serial;
using bridge::config::Transport;

TEST(DiscoveryPlanTest, physical_address_is_the_last_four_digits_of_the_serial) {
  EXPECT_EQ(*physical_from_serial("000019001234"), 1234);
  EXPECT_EQ(*physical_from_serial("000019000005"), 5);
  EXPECT_EQ(*physical_from_serial("12"), 12);
  EXPECT_EQ(*physical_from_serial("MS-19003500"), 3500);
  EXPECT_FALSE(physical_from_serial("ABC"));
  EXPECT_FALSE(physical_from_serial(""));
  EXPECT_FALSE(physical_from_serial("000019000000"));  // physical 0 is no station
}

TEST(DiscoveryPlanTest, hdlc_forms_go_from_the_field_byte_to_the_vendor_rule) {
  auto plain = address_forms(Transport::hdlc, std::nullopt);
  ASSERT_EQ(plain.size(), 3u);
  EXPECT_EQ(plain[0].label(Transport::hdlc), "1-byte 0x03");
  EXPECT_EQ(plain[1].label(Transport::hdlc), "2-byte logical 1 / physical 1");
  EXPECT_EQ(plain[2].label(Transport::hdlc), "4-byte logical 1 / physical 1");

  auto factory = address_forms(Transport::hdlc, 1234);
  ASSERT_EQ(factory.size(), 4u);  // 1234 does not fit the 2-byte form
  EXPECT_EQ(factory[3].label(Transport::hdlc), "4-byte logical 1 / physical 1234 (from the serial)");
  EXPECT_EQ(factory[3].size, 4);

  auto small = address_forms(Transport::hdlc, 5);
  ASSERT_EQ(small.size(), 5u);
  EXPECT_EQ(small[3].size, 2);
  EXPECT_EQ(small[3].physical, 5);
  EXPECT_EQ(small[4].size, 4);

  EXPECT_EQ(address_forms(Transport::hdlc, 1).size(), 3u);  // serial ...0001 adds nothing new
}

TEST(DiscoveryPlanTest, wrapper_has_one_destination_wport) {
  auto forms = address_forms(Transport::wrapper, 1234);
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(forms[0].logical, 1);
  EXPECT_EQ(forms[0].label(Transport::wrapper), "wPort 1");
}

TEST(DiscoveryPlanTest, operator_credentials_first_then_public_then_labels_without_repeats) {
  std::vector<ClientCredential> given{*parse_credential("48:s3cret"), *parse_credential("1:22222222")};
  auto order = credential_order(given);
  ASSERT_EQ(order.size(), 5u);
  EXPECT_EQ(order[0].client_sap, 48);
  EXPECT_EQ(order[1].client_sap, 1);
  EXPECT_EQ(order[1].origin, "--credential");
  EXPECT_EQ(order[2].client_sap, 16);
  EXPECT_TRUE(order[2].password.empty());
  EXPECT_EQ(order[3].client_sap, 32);
  EXPECT_EQ(order[3].password, "11111111");
  EXPECT_EQ(order[4].client_sap, 17);
  EXPECT_EQ(order[4].password, "00000000");
}

TEST(DiscoveryPlanTest, credential_option_syntax) {
  auto c = parse_credential("48:pass:word");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->client_sap, 48);
  EXPECT_EQ(c->password, "pass:word");  // only the first ':' separates
  EXPECT_EQ(c->auth(), bridge::config::Auth::low);
  auto open = parse_credential("16");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->auth(), bridge::config::Auth::none);
  for (const char* bad : {"0:x", "128:x", "x:y", "1:", "1:12345678901234567", ""}) {
    EXPECT_FALSE(parse_credential(bad)) << bad;
  }
}

}  // namespace
