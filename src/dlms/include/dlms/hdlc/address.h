#pragma once
// HDLC addresses (IEC 62056-46 section 6.4.2.2, docs/protocol.md sections 1.4 and 1.15).
//
// On the wire an address field is 1, 2 or 4 bytes; each byte carries 7 address bits in bits 7..1
// and bit 0 is 1 only on the last byte ("extension bit"). The decoder finds the end of a field by
// that bit. `Address` holds those wire bytes (no heap, comparable); the typed views are:
//
//  * Client address: always 1 byte, (SAP << 1) | 1. SAP 1 -> 03, 0x10 -> 21, 0x11 -> 23, 0x20 -> 41.
//  * ServerAddress{logical, physical, size}:
//      size 4: upper (logical) and lower (physical) address, 14 bits each, two 7-bit groups each:
//              logical 1 / physical 1234 -> 00 02 12 A5, physical 3500 -> 00 02 36 59,
//              logical 1 / physical 17 -> 00 02 00 23. Both values 0..16383.
//      size 2: one 7-bit group each: logical 1 / physical 1 -> 02 03; both values 0..127.
//      size 1: ONE 7-bit value. IEC 62056-46 calls it the upper (logical) address; the previous
//              system (value = logical << 7 | physical) and the Microstar field setting
//              ("logical 0, physical 1" -> 03) call it the physical address. Both describe the
//              same byte, so the rule is: at most one of logical/physical may be non-zero, the
//              byte carries that value (0..127): {0,1,1} -> 03 and {1,0,1} -> 03 alike; {1,1,1}
//              is out_of_range (it needs 2 bytes). decode() of a 1-byte field returns
//              {logical 0, physical value, size 1}. Compare addresses by their encoding
//              (ServerAddress::operator== does), never field by field.
//  3-byte fields are not legal (the previous system produced them; [BUG] in docs/protocol.md 1.4) and are
//  rejected by decode() and by the frame decoder.
#include <array>
#include <cstdint>
#include <string_view>

#include "bridge/result.h"
#include "dlms/bytes.h"

namespace dlms::hdlc {

enum class AddressError : std::uint8_t {
  out_of_range,  // a value does not fit the chosen size
  bad_size,      // size other than 1, 2 or 4
  unterminated,  // no byte with the extension bit within 4 bytes
};
std::string_view to_label(AddressError e);

// Wire bytes of one address field (1, 2 or 4 bytes).
class Address {
 public:
  Address() = default;
  // Takes the bytes as they are (no validation); used by the frame decoder after it has found the
  // extension bit, and by tests.
  static Address from_wire(ByteSpan bytes);

  ByteSpan bytes() const { return {bytes_.data(), size_}; }
  std::uint8_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  friend bool operator==(const Address& a, const Address& b) {
    return a.size_ == b.size_ && a.bytes_ == b.bytes_;
  }

 private:
  std::array<std::uint8_t, 4> bytes_{};
  std::uint8_t size_ = 0;
};

struct ServerAddress {
  std::uint16_t logical = 1;
  std::uint16_t physical = 0;
  std::uint8_t size = 1;  // 1, 2 or 4
};

bridge::Result<Address, AddressError> encode_server_address(const ServerAddress& a);
bridge::Result<ServerAddress, AddressError> decode_server_address(const Address& a);
bool operator==(const ServerAddress& a, const ServerAddress& b);

// sap 0..127.
bridge::Result<Address, AddressError> encode_client_address(std::uint8_t sap);
// Only 1-byte fields are client addresses.
bridge::Result<std::uint8_t, AddressError> decode_client_address(const Address& a);

// Reads one address field from the start of `bytes` (stops at the extension bit). Returns the
// field; its size is how many bytes it used. unterminated if no extension bit within 4 bytes
// (or within `bytes` when shorter: the caller distinguishes "need more data" by length), bad_size
// for a 3-byte field.
bridge::Result<Address, AddressError> read_address_field(ByteSpan bytes);

}  // namespace dlms::hdlc
