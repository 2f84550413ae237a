#pragma once
// IEC 62056-47 TCP wrapper (the "wrapper" transport; the field meter uses raw HDLC instead):
//   version 00 01 | source wPort (2) | destination wPort (2) | APDU length (2) | APDU
// All fields big-endian. No LLC header: the APDU follows the header directly.
//
// WrapperDecoder has the FrameDecoder's feed()/next() shape. There are no flags, so after a bad
// header (version != 1, length above the limit, wPorts not ours when a filter is set) the decoder
// skips one byte and looks for the next plausible header (rule documented and tested in
// wrapper_test.cpp); in practice a TCP session with a broken header should be closed.
#include <cstdint>
#include <optional>
#include <variant>

#include "dlms/link_error.h"
#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/need_data.h"

namespace dlms::wrapper {

inline constexpr std::uint16_t kVersion = 0x0001;
inline constexpr std::size_t kHeaderSize = 8;
inline constexpr std::uint16_t kPublicClientWport = 0x0010;
inline constexpr std::uint16_t kManagementWport = 0x0001;

struct Message {
  std::uint16_t source = 0;       // wPort of the sender
  std::uint16_t destination = 0;  // wPort of the receiver
  Bytes apdu;
  friend bool operator==(const Message&, const Message&) = default;
};

enum class EncodeError : std::uint8_t { too_long };

bridge::Result<Bytes, EncodeError> encode(const Message& message);

struct WrapperError {
  dlms::LinkError kind = dlms::LinkError::format;  // format | length | address
  std::size_t skipped_bytes = 0;
  Bytes raw;  // the header that was rejected
};

using DecodeResult = std::variant<Message, WrapperError, NeedData>;

struct WportFilter {
  std::optional<std::uint16_t> source;
  std::optional<std::uint16_t> destination;
};

class WrapperDecoder {
 public:
  explicit WrapperDecoder(std::size_t max_apdu = 0xFFFF, WportFilter filter = {})
      : max_apdu_(max_apdu), filter_(filter) {}

  void feed(ByteSpan bytes);
  DecodeResult next();
  std::size_t buffered() const { return buffer_.size() - pos_; }

 private:
  WrapperError fail(dlms::LinkError kind, std::size_t skip);

  std::size_t max_apdu_;
  WportFilter filter_;
  Bytes buffer_;
  std::size_t pos_ = 0;
};

}  // namespace dlms::wrapper
