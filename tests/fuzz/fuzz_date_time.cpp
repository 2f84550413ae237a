// COSEM date-time: the 12-byte decoder, UTC conversion and ISO 8601 text both ways. A complete
// date-time converts to UTC and back to the same fields; parsed text prints back as an instant.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dlms/cosem/date_time.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::cosem;
  if (size >= 12) {
    if (auto dt = decode_date_time(dlms::ByteSpan(data, 12))) {
      (void)to_iso8601(*dt);
      (void)clock_status_text(dt->status);
      if (auto utc = to_utc(*dt)) {
        if (!is_complete(*dt)) std::abort();
        DateTime back = from_utc(*utc, dt->deviation, dt->status);
        if (back.date.year != dt->date.year || back.date.month != dt->date.month || back.date.day != dt->date.day ||
            back.time.hour != dt->time.hour || back.time.minute != dt->time.minute ||
            back.time.second != dt->time.second) {
          std::abort();
        }
        if (*to_utc(back) != *utc) std::abort();
      }
    }
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto instant = parse_iso8601(text)) {
    auto again = parse_iso8601(utc_text(*instant));
    if (!again || *again != *instant) std::abort();
  }
  return 0;
}
