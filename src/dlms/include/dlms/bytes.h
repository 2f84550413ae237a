#pragma once
// Byte containers shared by every layer of the sans-I/O DLMS core.
//
// API overview of library dlms_bridge::dlms (namespace dlms). Nothing in it does I/O, reads a
// clock, logs, spawns threads or throws: bytes and `now` go in, events and bytes come out.
//   dlms/bytes.h            Bytes, ByteSpan, to_hex, from_hex
//   dlms/hdlc/crc.h         crc16_x25 (HCS/FCS)
//   dlms/hdlc/address.h     hdlc::Address (wire bytes), ServerAddress (1/2/4-byte), client SAP
//   dlms/hdlc/control.h     control byte builders/classifiers (I, RR, RNR, SNRM, DISC, UA, DM, FRMR, UI)
//   dlms/hdlc/frame.h       hdlc::Frame + encode()
//   dlms/hdlc/frame_decoder.h  length-delimited hdlc::FrameDecoder (feed/next)
//   dlms/hdlc/parameters.h  SNRM/UA parameter block (max info length, window)
//   dlms/hdlc/link.h        hdlc::Link state machine, client or server role
//   dlms/wrapper.h          IEC 62056-47 wrapper encode + WrapperDecoder
//   dlms/cosem/*.h          A-XDR Value, AARQ/AARE/RLRQ/RLRE, GET, OBIS, units, cosem::Client
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dlms {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

// "7E A0 07": upper-case hex, one space between bytes, no trailing space.
std::string to_hex(ByteSpan bytes);

// Parses hex with optional whitespace between bytes ("7EA0 07" works). nullopt on an odd digit
// count or a non-hex character.
std::optional<Bytes> from_hex(std::string_view text);

}  // namespace dlms
