#pragma once
// The HLS-GMAC state of one association on the simulated meter (private to src/sim).
#include "cosem_server.h"

namespace sim {

struct CosemServer::Hls {
  dlms::Bytes client_title;  // calling AP title of the AARQ
  dlms::Bytes ctos;          // the client's challenge
  dlms::Bytes stoc;          // ours
  bool authenticated = false;  // pass 3 verified: GET/SET are served
  dlms::cosem::InitiateResponse initiate;
};

}  // namespace sim
