#include "hls_options.h"

#include "bridge/config/obis.h"
#include "dlms/bytes.h"

namespace bridge::app {

void HlsOptions::add_to(CLI::App& read) {
  options_ = {
      read.add_option("--system-title", system_title_, "HLS-GMAC: our system title, 16 hex digits"),
      read.add_option("--block-cipher-key", block_cipher_key_, "HLS-GMAC: the block cipher key EK, 32 hex digits"),
      read.add_option("--authentication-key", authentication_key_,
                      "HLS-GMAC: the authentication key AK, 32 hex digits"),
      read.add_option("--security-policy", security_policy_, "HLS-GMAC: what every APDU carries, as the meter demands")
          ->check(CLI::IsMember({"authenticated_encrypted", "authenticated", "encrypted"}))
          ->capture_default_str(),
      read.add_option("--ciphering", ciphering_,
                      "HLS-GMAC: glo (the service-specific glo- tags) or general-glo (general-glo-ciphering, "
                      "carrying our system title), as the meter demands")
          ->check(CLI::IsMember({"glo", "general-glo"}))
          ->capture_default_str(),
      read.add_option("--invocation-counter-obis", invocation_counter_obis_,
                      "HLS-GMAC: read the meter's invocation counter (Data, attribute 2, e.g. 0-0:43.1.0) through "
                      "the public client SAP 16 first, and continue above it"),
  };
}

std::string HlsOptions::first_given() const {
  for (const auto* o : options_) {
    if (o->count() > 0) return o->get_name();
  }
  return {};
}

Result<transport::HlsGmacSettings, std::string> HlsOptions::settings() const {
  transport::HlsGmacSettings hls;
  const struct {
    const std::string* text;
    std::vector<std::uint8_t>* out;
    const char* option;
    std::size_t bytes;
  } fields[] = {{&system_title_, &hls.system_title, "--system-title", 8},
                {&block_cipher_key_, &hls.block_cipher_key, "--block-cipher-key", 16},
                {&authentication_key_, &hls.authentication_key, "--authentication-key", 16}};
  for (const auto& f : fields) {
    if (f.text->empty()) return fail(std::string("--auth hls-gmac needs ") + f.option);
    auto bytes = dlms::from_hex(*f.text);
    if (!bytes || bytes->size() != f.bytes) {
      return fail(std::string("bad ") + f.option + ": expected " + std::to_string(f.bytes * 2) + " hex digits");
    }
    *f.out = std::move(*bytes);
  }
  hls.security_control =
      security_policy_ == "authenticated" ? 0x10 : security_policy_ == "encrypted" ? 0x20 : 0x30;
  hls.general_glo = ciphering_ == "general-glo";
  if (!invocation_counter_obis_.empty()) {
    auto obis = config::parse_obis(invocation_counter_obis_);
    if (!obis) return fail("bad --invocation-counter-obis: " + obis.error());
    hls.invocation_counter_obis = obis->bytes;
  }
  return hls;
}

}  // namespace bridge::app
