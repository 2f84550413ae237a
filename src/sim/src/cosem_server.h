#pragma once
// The application layer of one connection: the association (AARQ/AARE, RLRQ/RLRE), the GET
// service (normal, block transfer, with-list when negotiated, selective access on the load
// profile) and SET-normal (the clock) over the meter's objects.
// Protocol-level faults applied here: forced association rejection (reject_auth, reject_busy)
// 0x7E values (value_7e, via the object table) and extra bytes after the clock's value
// (clock_trailing_bytes).
// HLS-GMAC (cosem_server_hls.cpp): the profile's HLS client SAP must associate with mechanism 5
// and cipher every request; the meter answers ciphered, in the request's form (glo- or
// general-glo), and serves its record of the client's invocation counter as 0-0:43.1.0. Its
// RLRQ must carry a glo-initiate-request; the RLRE carries a glo-initiate-response.
#include <cstdint>
#include <memory>
#include <optional>

#include "dlms/bytes.h"
#include "dlms/cosem/association.h"
#include "dlms/cosem/get.h"
#include "sim/meter.h"
#include "sim/server_session.h"

namespace sim {

class CosemServer {
 public:
  // client_sap: from the HDLC source address or the wrapper source wPort.
  CosemServer(Meter& meter, std::uint16_t client_sap, std::size_t max_apdu_out);
  ~CosemServer();
  CosemServer(const CosemServer&) = delete;
  CosemServer& operator=(const CosemServer&) = delete;

  // One request APDU (without LLC) -> the response APDU, or nothing (a request a real meter
  // ignores).
  std::optional<dlms::Bytes> handle(dlms::ByteSpan apdu, double elapsed_s, WallTime wall);
  // The association ends with the link or the TCP connection.
  void release();
  bool associated() const { return associated_; }

 private:
  struct Block;
  struct Hls;

  std::optional<dlms::Bytes> on_aarq(dlms::ByteSpan apdu);
  std::optional<dlms::Bytes> on_rlrq(dlms::ByteSpan apdu);
  std::optional<dlms::Bytes> on_get(dlms::ByteSpan apdu, double elapsed_s, WallTime wall);
  std::optional<dlms::Bytes> on_set(dlms::ByteSpan apdu, double elapsed_s, WallTime wall);
  dlms::Bytes next_block();
  // HLS-GMAC (cosem_server_hls.cpp).
  const HlsGmacClient* hls_settings() const;
  // Checks the AARQ and deciphers its InitiateRequest; the error is the AARE diagnostic.
  bridge::Result<dlms::cosem::InitiateRequest, std::uint8_t> hls_open(const dlms::cosem::Aarq& aarq);
  void hls_complete_aare(dlms::cosem::Aare& aare);
  std::optional<dlms::Bytes> hls_handle(dlms::ByteSpan apdu, double elapsed_s, WallTime wall);
  dlms::Bytes on_hls_action(dlms::ByteSpan apdu);
  // RLRQ on an HLS association: only with a glo-initiate-request that deciphers with a fresh IC.
  std::optional<dlms::Bytes> on_hls_rlrq(dlms::ByteSpan apdu);
  // 0-0:43.1.0 (class 1): the last invocation counter accepted from the HLS client.
  std::optional<dlms::cosem::GetDataResult> read_invocation_counter(const dlms::cosem::AttributeDescriptor& a) const;

  Meter& meter_;
  std::uint16_t client_sap_;
  std::size_t max_apdu_out_;  // what the lower layer can carry (wrapper: 65535, HDLC: 65535 reassembled)
  bool associated_ = false;
  std::uint32_t conformance_ = 0;
  std::size_t client_max_pdu_ = 0;
  std::unique_ptr<Block> block_;
  std::unique_ptr<Hls> hls_;
};

}  // namespace sim
