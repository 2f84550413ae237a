#pragma once
// Length-delimited HDLC frame decoder (sans-I/O): feed() bytes as they arrive, then call next()
// until it returns NeedData. Never scans for the closing flag: a 7E inside the payload, the HCS or
// the FCS is data (the previous system truncated such frames, [BUG] docs/protocol.md 1.2).
//
// Resynchronisation rule (tested in frame_decoder_test.cpp):
//  1. Hunting: skip bytes until a 7E that is followed by a format byte A0..AF. A 7E followed by
//     another 7E is a shared/doubled flag: skip the first one. Skipped non-flag bytes are
//     "garbage" (counted in garbage_bytes(), not an error).
//  2. Candidate at that 7E. Errors detected before the frame is proven (length field < 7 or not
//     enough for the header, bad address field, HCS mismatch, missing closing flag, FCS mismatch
//     on a frame without info/HCS) skip ONLY the opening flag (skipped_bytes = 1): the length
//     cannot be trusted, and the next good frame may start anywhere after it.
//  3. A frame with info whose HCS is good (so its length field is trusted) and whose closing flag
//     is present, but whose FCS is wrong, is skipped up to, not including, its closing flag.
//     So is a good frame that fails the address filter (kind address).
//  4. After a frame (good or per rule 3) the closing flag stays in the buffer: it may be the next
//     frame's opening flag.
//  The header (addresses, control, HCS) is checked as soon as it has arrived, so a corrupted
//  length field never makes the decoder wait for bytes that will not come.
//
// Memory: feed() appends; when next() has returned NeedData at most kMaxEncodedFrame bytes are
// retained (one incomplete frame). Drain with next() after every feed().
#include <cstdint>
#include <optional>
#include <variant>

#include "dlms/link_error.h"
#include "bridge/result.h"
#include "dlms/bytes.h"
#include "dlms/need_data.h"
#include "dlms/hdlc/frame.h"

namespace dlms::hdlc {

using dlms::NeedData;

struct FrameError {
  dlms::LinkError kind = dlms::LinkError::format;
  std::size_t skipped_bytes = 0;  // bytes dropped because of this error
  Bytes raw;                      // the candidate frame as far as it was examined (for diagnostics)
};

using DecodeResult = std::variant<Frame, FrameError, NeedData>;

// Frames whose addresses differ are reported as FrameError{address}. Unset fields accept anything.
struct AddressFilter {
  std::optional<Address> destination;
  std::optional<Address> source;
};

class FrameDecoder {
 public:
  FrameDecoder() = default;
  explicit FrameDecoder(AddressFilter filter) : filter_(std::move(filter)) {}

  void set_filter(AddressFilter filter) { filter_ = std::move(filter); }
  void feed(ByteSpan bytes);
  DecodeResult next();

  std::size_t buffered() const { return buffer_.size() - pos_; }
  std::uint64_t garbage_bytes() const { return garbage_; }
  void reset();

 private:
  FrameError fail(dlms::LinkError kind, std::size_t skip, std::size_t examined);

  AddressFilter filter_;
  Bytes buffer_;
  std::size_t pos_ = 0;
  std::uint64_t garbage_ = 0;
};

// Decodes exactly one complete frame including both flags (tests, diagnostics). Trailing bytes
// after the closing flag are a length error.
bridge::Result<Frame, FrameError> decode_frame(ByteSpan bytes);

}  // namespace dlms::hdlc
