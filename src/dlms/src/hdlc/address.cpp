#include "dlms/hdlc/address.h"

#include <algorithm>

namespace dlms::hdlc {

std::string_view to_label(AddressError e) {
  switch (e) {
    case AddressError::out_of_range: return "out_of_range";
    case AddressError::bad_size: return "bad_size";
    case AddressError::unterminated: return "unterminated";
  }
  return "unknown";
}

Address Address::from_wire(ByteSpan bytes) {
  Address a;
  a.size_ = static_cast<std::uint8_t>(std::min<std::size_t>(bytes.size(), 4));
  std::copy_n(bytes.begin(), a.size_, a.bytes_.begin());
  return a;
}

namespace {
constexpr std::uint8_t group(unsigned value7, bool last) {
  return static_cast<std::uint8_t>(((value7 & 0x7FU) << 1) | (last ? 1U : 0U));
}
}  // namespace

bridge::Result<Address, AddressError> encode_server_address(const ServerAddress& a) {
  std::array<std::uint8_t, 4> b{};
  switch (a.size) {
    case 1: {
      if (a.logical != 0 && a.physical != 0) return bridge::fail(AddressError::out_of_range);
      const unsigned v = a.logical != 0 ? a.logical : a.physical;
      if (v > 0x7F) return bridge::fail(AddressError::out_of_range);
      b[0] = group(v, true);
      return Address::from_wire(ByteSpan(b.data(), 1));
    }
    case 2:
      if (a.logical > 0x7F || a.physical > 0x7F) return bridge::fail(AddressError::out_of_range);
      b[0] = group(a.logical, false);
      b[1] = group(a.physical, true);
      return Address::from_wire(ByteSpan(b.data(), 2));
    case 4:
      if (a.logical > 0x3FFF || a.physical > 0x3FFF) return bridge::fail(AddressError::out_of_range);
      b[0] = group(a.logical >> 7, false);
      b[1] = group(a.logical, false);
      b[2] = group(a.physical >> 7, false);
      b[3] = group(a.physical, true);
      return Address::from_wire(ByteSpan(b.data(), 4));
    default:
      return bridge::fail(AddressError::bad_size);
  }
}

bridge::Result<ServerAddress, AddressError> decode_server_address(const Address& a) {
  const auto b = a.bytes();
  auto v = [&](std::size_t i) { return static_cast<std::uint16_t>(b[i] >> 1); };
  // Only the last byte may carry the extension bit.
  for (std::size_t i = 0; i + 1 < b.size(); ++i) {
    if (b[i] & 1U) return bridge::fail(AddressError::unterminated);
  }
  if (b.empty() || !(b.back() & 1U)) return bridge::fail(AddressError::unterminated);
  switch (b.size()) {
    case 1: return ServerAddress{0, v(0), 1};
    case 2: return ServerAddress{v(0), v(1), 2};
    case 4:
      return ServerAddress{static_cast<std::uint16_t>((v(0) << 7) | v(1)),
                           static_cast<std::uint16_t>((v(2) << 7) | v(3)), 4};
    default: return bridge::fail(AddressError::bad_size);
  }
}

bool operator==(const ServerAddress& a, const ServerAddress& b) {
  const auto ea = encode_server_address(a);
  const auto eb = encode_server_address(b);
  if (!ea || !eb) return false;
  return *ea == *eb;
}

bridge::Result<Address, AddressError> encode_client_address(std::uint8_t sap) {
  if (sap > 0x7F) return bridge::fail(AddressError::out_of_range);
  const std::uint8_t b = group(sap, true);
  return Address::from_wire(ByteSpan(&b, 1));
}

bridge::Result<std::uint8_t, AddressError> decode_client_address(const Address& a) {
  if (a.size() != 1) return bridge::fail(AddressError::bad_size);
  if (!(a.bytes()[0] & 1U)) return bridge::fail(AddressError::unterminated);
  return static_cast<std::uint8_t>(a.bytes()[0] >> 1);
}

bridge::Result<Address, AddressError> read_address_field(ByteSpan bytes) {
  const std::size_t limit = std::min<std::size_t>(bytes.size(), 4);
  for (std::size_t i = 0; i < limit; ++i) {
    if (bytes[i] & 1U) {
      if (i + 1 == 3) return bridge::fail(AddressError::bad_size);
      return Address::from_wire(bytes.first(i + 1));
    }
  }
  return bridge::fail(AddressError::unterminated);
}

}  // namespace dlms::hdlc
