#pragma once
// Protocol diagnostics: the raw frame (hex) that made a protocol error, kept per meter with a cap.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace bridge::store {

enum class FrameDirection { none, rx, tx };

constexpr std::string_view to_label(FrameDirection d) {
  switch (d) {
    case FrameDirection::none: return "none";
    case FrameDirection::rx: return "rx";
    case FrameDirection::tx: return "tx";
  }
  return "none";
}

struct Diagnostic {
  std::int64_t ts_ms = 0;
  std::string meter;
  std::string kind;     // e.g. a bridge::labels::HdlcError label ("fcs", "length", ...)
  FrameDirection direction = FrameDirection::none;
  std::string frame_hex;  // "7E A0 07 ..." (bridge::to_hex)
  std::string message;
};

struct StoredDiagnostic {
  std::int64_t id = 0;
  Diagnostic diagnostic;
};

}  // namespace bridge::store
