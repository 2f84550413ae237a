#pragma once
// The application layer of one connection: the association (AARQ/AARE, RLRQ/RLRE), the GET
// service (normal, block transfer, with-list when negotiated, selective access on the load
// profile) and SET-normal (the clock) over the meter's objects.
// Protocol-level faults applied here: forced association rejection (reject_auth, reject_busy)
// 0x7E values (value_7e, via the object table) and extra bytes after the clock's value
// (clock_trailing_bytes).
#include <cstdint>
#include <memory>
#include <optional>

#include "dlms/bytes.h"
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

  std::optional<dlms::Bytes> on_aarq(dlms::ByteSpan apdu);
  std::optional<dlms::Bytes> on_rlrq(dlms::ByteSpan apdu);
  std::optional<dlms::Bytes> on_get(dlms::ByteSpan apdu, double elapsed_s, WallTime wall);
  std::optional<dlms::Bytes> on_set(dlms::ByteSpan apdu, double elapsed_s, WallTime wall);
  dlms::Bytes next_block();

  Meter& meter_;
  std::uint16_t client_sap_;
  std::size_t max_apdu_out_;  // what the lower layer can carry (wrapper: 65535, HDLC: 65535 reassembled)
  bool associated_ = false;
  std::uint32_t conformance_ = 0;
  std::size_t client_max_pdu_ = 0;
  std::unique_ptr<Block> block_;
};

}  // namespace sim
