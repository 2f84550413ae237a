// Small pieces of the config model: enum spellings, endpoint text, error text, default set.
#include "bridge/config/config.h"

namespace bridge::config {

std::string_view to_string(ClientAuthType v) {
  switch (v) {
    case ClientAuthType::NoClientCert: return "NoClientCert";
    case ClientAuthType::RequestClientCert: return "RequestClientCert";
    case ClientAuthType::RequireAnyClientCert: return "RequireAnyClientCert";
    case ClientAuthType::VerifyClientCertIfGiven: return "VerifyClientCertIfGiven";
    case ClientAuthType::RequireAndVerifyClientCert: return "RequireAndVerifyClientCert";
  }
  return "unknown";
}

std::string_view to_string(TlsVersion v) {
  switch (v) {
    case TlsVersion::TLS12: return "TLS12";
    case TlsVersion::TLS13: return "TLS13";
  }
  return "unknown";
}

std::string_view to_string(MqttMode v) {
  switch (v) {
    case MqttMode::gateway: return "gateway";
    case MqttMode::device: return "device";
    case MqttMode::topic: return "topic";
  }
  return "unknown";
}

std::string_view to_string(MqttProtocol v) {
  switch (v) {
    case MqttProtocol::v311: return "3.1.1";
    case MqttProtocol::v5: return "5";
  }
  return "unknown";
}

std::string_view to_string(ClockMode v) {
  switch (v) {
    case ClockMode::off: return "off";
    case ClockMode::monitor: return "monitor";
    case ClockMode::sync: return "sync";
  }
  return "monitor";
}

std::string_view to_string(Transport v) {
  switch (v) {
    case Transport::hdlc: return "hdlc";
    case Transport::wrapper: return "wrapper";
  }
  return "unknown";
}

std::string_view to_string(Auth v) {
  switch (v) {
    case Auth::none: return "none";
    case Auth::low: return "low";
    case Auth::hls_gmac: return "hls_gmac";
  }
  return "unknown";
}

std::string Endpoint::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::string ConfigError::to_string() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

const MeterConfig* Config::find_meter(std::string_view id) const {
  for (const auto& m : meters) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

const std::vector<RegisterConfig>& default_registers() {
  static const std::vector<RegisterConfig> kRegisters = [] {
    auto make = [](const char* key, std::array<std::uint8_t, 6> ln) {
      RegisterConfig r;
      r.key = key;
      r.obis.bytes = ln;
      return r;
    };
    return std::vector<RegisterConfig>{
        make("voltage_l1", {1, 1, 32, 7, 0, 255}),   make("current_l1", {1, 1, 31, 7, 0, 255}),
        make("frequency", {1, 1, 14, 7, 0, 255}),    make("active_power", {1, 1, 1, 7, 0, 255}),
        make("active_energy", {1, 1, 1, 8, 0, 255}),
    };
  }();
  return kRegisters;
}

}  // namespace bridge::config
