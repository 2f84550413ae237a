// The config accepts exactly the server addresses the HDLC codec can encode, so a meter that
// passes check-config never fails later at SNRM time with an address error.
#include "dlms/hdlc/address.h"

#include <gtest/gtest.h>

#include "bridge/config/config.h"

namespace {

TEST(ConfigAddressTest, accepted_server_addresses_are_exactly_the_encodable_ones) {
  const std::uint16_t values[] = {0, 1, 2, 17, 127, 128, 1234, 3500, 16383};
  int checked = 0;
  for (int size : {1, 2, 4}) {
    for (std::uint16_t logical : values) {
      for (std::uint16_t physical : values) {
        const std::string text = "[[meter]]\nid = \"m\"\nhost = \"h\"\naddress_size = " + std::to_string(size) +
                                 "\nserver_logical = " + std::to_string(logical) +
                                 "\nserver_physical = " + std::to_string(physical) + "\n";
        const bool config_ok = bridge::config::load_string(text, "a.toml").has_value();
        const bool codec_ok =
            dlms::hdlc::encode_server_address({logical, physical, static_cast<std::uint8_t>(size)}).has_value();
        EXPECT_EQ(config_ok, codec_ok) << "size " << size << " logical " << logical << " physical " << physical;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 3 * 9 * 9);
}

TEST(ConfigAddressTest, client_sap_range_matches_the_codec) {
  for (int sap : {0, 1, 16, 127, 128}) {
    const std::string text = "[[meter]]\nid = \"m\"\nhost = \"h\"\nclient_sap = " + std::to_string(sap) + "\n";
    const bool config_ok = bridge::config::load_string(text, "a.toml").has_value();
    // SAP 0 is the "no station" address: encodable, but never a client; the config refuses it.
    const bool codec_ok =
        sap <= 255 && dlms::hdlc::encode_client_address(static_cast<std::uint8_t>(sap)).has_value() && sap != 0;
    EXPECT_EQ(config_ok, codec_ok) << "sap " << sap;
  }
}

}  // namespace
