#include "hls_association.h"

#include <openssl/rand.h>

#include "bridge/transport/connection.h"

namespace bridge::transport::detail {

namespace cosem = dlms::cosem;

Result<cosem::CipheringConfig, Error> ciphering_config(const HlsGmacSettings& hls, std::uint32_t next_ic) {
  auto bad = [](const std::string& why) {
    return fail(make_error(ErrorKind::invalid_argument, Step::associate, "HLS-GMAC: " + why));
  };
  if (hls.system_title.size() != cosem::security::kSystemTitleSize) return bad("the system title must be 8 bytes");
  if (hls.block_cipher_key.size() != cosem::security::kKeySize) return bad("the block cipher key must be 16 bytes");
  if (hls.authentication_key.size() != cosem::security::kKeySize) return bad("the authentication key must be 16 bytes");
  if (hls.security_control != 0x10 && hls.security_control != 0x20 && hls.security_control != 0x30) {
    return bad("the security policy must be authentication and/or encryption");
  }
  cosem::CipheringConfig c;
  c.system_title = hls.system_title;
  c.keys = {hls.block_cipher_key, hls.authentication_key};
  c.invocation_counter = next_ic;
  c.security_control = hls.security_control;
  c.general_glo = hls.general_glo;
  c.challenge.resize(16);  // CtoS: a fresh random challenge for every association
  if (RAND_bytes(c.challenge.data(), static_cast<int>(c.challenge.size())) != 1) {
    return fail(make_error(ErrorKind::protocol, Step::associate, "HLS-GMAC: no random bytes for the challenge"));
  }
  return c;
}

awaitable<Result<std::uint32_t, Error>> read_invocation_counter(asio::any_io_executor ex, const MeterEndpoint& endpoint,
                                                               const Timeouts& timeouts, const FrameObserver& observer) {
  MeterEndpoint pub = endpoint;
  pub.client_sap = endpoint.hls.public_client_sap;
  pub.wrapper_client_wport = endpoint.hls.public_client_sap;
  pub.auth = MeterEndpoint::Auth::none;
  pub.password.clear();
  pub.hls = {};
  pub.release = false;
  const LogicalName ln = *endpoint.hls.invocation_counter_obis;
  auto tagged = [&](Error e) {
    e.message = "reading the invocation counter " + obis_text(ln) + " as public client " +
                std::to_string(pub.client_sap) + ": " + e.message;
    return fail(std::move(e));
  };
  DlmsConnection probe(std::move(ex), pub, timeouts, observer);
  if (auto o = co_await probe.open(); !o) co_return tagged(o.error());
  auto v = co_await probe.get(ln, 1, 2);
  co_await probe.close();
  if (!v) co_return tagged(v.error());
  const auto number = cosem::to_integer(*v);
  if (!number || *number < 0 || *number > 0xFFFFFFFF) {
    co_return tagged(make_error(ErrorKind::protocol, Step::request, "not a double-long-unsigned"));
  }
  co_return static_cast<std::uint32_t>(*number);
}

}  // namespace bridge::transport::detail
