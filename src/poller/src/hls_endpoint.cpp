#include "hls_endpoint.h"

#include "bridge/config/obis.h"
#include "bridge/log.h"
#include "bridge/store/store.h"
#include "dlms/bytes.h"

namespace bridge::poller {

transport::HlsGmacSettings hls_settings_of(const config::MeterConfig& m) {
  transport::HlsGmacSettings hls;
  hls.system_title = dlms::from_hex(m.system_title).value_or(dlms::Bytes{});
  hls.block_cipher_key = dlms::from_hex(m.block_cipher_key.reveal()).value_or(dlms::Bytes{});
  hls.authentication_key = dlms::from_hex(m.authentication_key.reveal()).value_or(dlms::Bytes{});
  hls.security_control = m.security_policy == "authenticated" ? 0x10 : m.security_policy == "encrypted" ? 0x20 : 0x30;
  hls.general_glo = m.ciphering == "general_glo";
  if (!m.invocation_counter_obis.empty()) {
    if (auto obis = config::parse_obis(m.invocation_counter_obis)) hls.invocation_counter_obis = obis->bytes;
  }
  return hls;
}

transport::InvocationCounterHooks invocation_counter_hooks(store::Store* store, const config::MeterConfig& m) {
  if (store == nullptr || m.auth != config::Auth::hls_gmac) return {};
  transport::InvocationCounterHooks hooks;
  hooks.load = [store, id = m.id, title = m.system_title]() -> std::optional<std::uint32_t> {
    auto v = store->invocation_counter(id, title);
    if (!v) {
      log::warn("cannot read the stored invocation counter", {{"meter", id}, {"error", v.error().message}});
      return std::nullopt;
    }
    return *v;
  };
  hooks.save = [store, id = m.id, title = m.system_title](std::uint32_t next) {
    if (!store->save_invocation_counter(id, title, next)) {
      log::warn("invocation counter not saved (store queue full)", {{"meter", id}, {"next", next}});
    }
  };
  return hooks;
}

}  // namespace bridge::poller
