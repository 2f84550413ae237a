#include "bridge/transport/endpoint.h"

namespace bridge::transport {

std::string_view to_label(MeterEndpoint::Kind kind) {
  switch (kind) {
    case MeterEndpoint::Kind::hdlc: return "hdlc";
    case MeterEndpoint::Kind::wrapper: return "wrapper";
  }
  return "hdlc";
}

std::string_view to_label(MeterEndpoint::Auth auth) {
  switch (auth) {
    case MeterEndpoint::Auth::none: return "none";
    case MeterEndpoint::Auth::low: return "low";
    case MeterEndpoint::Auth::hls_gmac: return "hls_gmac";
  }
  return "none";
}

}  // namespace bridge::transport
