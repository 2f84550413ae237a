// TEMPORARY until dlms::cosem lands: no application layer yet.
#include "cosem_server.h"

namespace sim {
struct CosemServer::Block {};
CosemServer::CosemServer(Meter& meter, std::uint16_t client_sap, std::size_t max_apdu_out)
    : meter_(meter), client_sap_(client_sap), max_apdu_out_(max_apdu_out) {}
CosemServer::~CosemServer() { release(); }
std::optional<dlms::Bytes> CosemServer::handle(dlms::ByteSpan, double, WallTime) { return std::nullopt; }
void CosemServer::release() {}
}  // namespace sim
