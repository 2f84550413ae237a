#pragma once
// Umbrella header of the sans-I/O DLMS/COSEM core (library dlms_bridge::dlms, namespace dlms).
// Nothing here does I/O, reads a clock, logs, spawns threads or throws: bytes and `now`
// (std::chrono::steady_clock::time_point) go in, events and bytes come out. Errors are values
// (bridge::Result / std::variant alternatives) with bounded enums and to_label().
//
// Stable API other modules rely on
// --------------------------------
// dlms/bytes.h              Bytes, ByteSpan, to_hex("7E A0 07"), from_hex
// dlms/hdlc/crc.h           crc16_x25 (HCS/FCS, check 0x906E)
// dlms/hdlc/address.h       hdlc::Address (wire bytes), ServerAddress{logical, physical, size 1|2|4},
//                           encode_server_address, encode_client_address(sap), decode_*
// dlms/hdlc/control.h       control::i_frame/rr/snrm/disc/ua/dm/frmr, classify, send_seq/recv_seq
// dlms/hdlc/frame.h         hdlc::Frame{destination, source, control, segmented, info}, encode()
// dlms/hdlc/frame_decoder.h FrameDecoder::feed(bytes); next() -> Frame | FrameError{kind (LinkError,
//                           link_error.h), skipped_bytes, raw} | NeedData; AddressFilter; decode_frame()
// dlms/hdlc/parameters.h    LinkParameters (SNRM/UA block), encode_parameters, decode_parameters
// dlms/hdlc/link.h          hdlc::Link(LinkConfig{role, local, peer, proposed, limits, timeouts})
//                           inputs handle_frame/handle_timeout, commands connect/send/disconnect,
//                           outputs poll_transmit (encoded frame) / poll_timeout / poll_event ->
//                           Connected | ApduReceived | Disconnected | Failed{LinkError, message}
// dlms/wrapper.h            wrapper::encode(Message{source, destination, apdu}), WrapperDecoder
// dlms/cosem/value.h        Value (A-XDR Data tree), encode_value, decode_value(_exact),
//                           to_number, to_integer, decode_date_time
// dlms/cosem/obis.h         Obis, parse_obis("1-1:32.7.0"), to_string, to_dotted
// dlms/cosem/units.h        unit_info(code) -> symbol, Prometheus base unit, factor
// dlms/cosem/register.h     ScalerUnit, decode_scaler_unit, scale(raw, scaler), scaled_value
// dlms/cosem/apdu.h         ApduError, ExceptionResponse, ConfirmedServiceError
// dlms/cosem/association.h  Aarq/Aare/ReleaseRequest/ReleaseResponse encode+decode, conformance bits
// dlms/cosem/get.h          GET request/response variants encode+decode, DataAccessResult,
//                           make_invoke, split_get_response (server-side block transfer)
// dlms/cosem/set.h          SET-Request/Response-Normal encode+decode (the clock)
// dlms/cosem/date_time.h    date-time completeness, to_utc/from_utc (deviation), ISO 8601 both ways
// dlms/cosem/selective_access.h  CaptureObject, range/entry descriptors (Profile Generic buffer)
// dlms/cosem/profile_generic.h   capture objects, capture period, buffer entries and their times
// dlms/cosem/client.h       cosem::Client: associate/get/set/release, handle_apdu/handle_timeout,
//                           poll_transmit (APDU) / poll_timeout / poll_event -> Associated |
//                           GetResult | SetResult | Released | ClientFailed{FailReason, message, diagnostic}
//
// Client driver over raw HDLC (what a transport session does; see tests/unit/dlms/session_test.cpp):
//   link.connect(now)                                   // then flush
//   on Connected:        client.associate(now)
//   flush():  while (auto apdu = client.poll_transmit()) link.send(*apdu, now);
//             while (auto bytes = link.poll_transmit()) write(*bytes);
//             arm a timer at min(link.poll_timeout(), client.poll_timeout())
//   on bytes read:       decoder.feed(bytes); while next() is a Frame: link.handle_frame(f, now)
//                        (count FrameError kinds in hdlc_errors_total{kind}, keep raw for diagnostics)
//   on link events:      ApduReceived -> client.handle_apdu(apdu, now); Failed -> close the socket
//   on client events:    Associated -> client.get(...); GetResult -> value or access error
//   on timer:            link.handle_timeout(now); client.handle_timeout(now); flush()
//   shutdown:            client.release (optional), link.disconnect(now), wait Disconnected, close.
// Over the IEC 62056-47 wrapper the Link is skipped: wrap client APDUs with wrapper::encode and
// feed WrapperDecoder messages to client.handle_apdu (then set ClientConfig::response_timeout).
//
// Server role (dlms-meter-sim): hdlc::Link with Role::server answers SNRM/DISC/RR itself and
// emits ApduReceived; decode with decode_aarq / decode_get_request, answer with encode_aare /
// encode_get_response (split_get_response for block transfer) / encode_rlre via link.send().
#include "dlms/bytes.h"
#include "dlms/cosem/apdu.h"
#include "dlms/cosem/association.h"
#include "dlms/cosem/client.h"
#include "dlms/cosem/date_time.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/obis.h"
#include "dlms/cosem/profile_generic.h"
#include "dlms/cosem/register.h"
#include "dlms/cosem/selective_access.h"
#include "dlms/cosem/set.h"
#include "dlms/cosem/units.h"
#include "dlms/cosem/value.h"
#include "dlms/hdlc/address.h"
#include "dlms/hdlc/control.h"
#include "dlms/hdlc/crc.h"
#include "dlms/hdlc/frame.h"
#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"
#include "dlms/hdlc/parameters.h"
#include "dlms/need_data.h"
#include "dlms/time.h"
#include "dlms/wrapper.h"
