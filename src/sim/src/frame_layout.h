#pragma once
// Where the HCS and FCS sit in one encoded HDLC frame (7E .. 7E), so the fault injector can
// corrupt them without re-encoding. Only reads the address extension bits.
#include <cstddef>
#include <optional>

#include "dlms/bytes.h"

namespace sim {

struct FrameLayout {
  std::optional<std::size_t> hcs;  // first HCS byte (frames with an information field only)
  std::optional<std::size_t> fcs;  // first FCS byte
};

inline FrameLayout frame_layout(dlms::ByteSpan frame) {
  FrameLayout layout;
  if (frame.size() < 9 || frame[0] != 0x7E || frame.back() != 0x7E) return layout;
  std::size_t pos = 3;
  for (int field = 0; field < 2; ++field) {  // destination, source
    while (pos < frame.size() && (frame[pos] & 0x01) == 0) ++pos;
    ++pos;
  }
  std::size_t control = pos;
  layout.fcs = frame.size() - 3;
  // Info present when something lies between control+HCS and the FCS.
  if (control + 3 < *layout.fcs) layout.hcs = control + 1;
  return layout;
}

}  // namespace sim
