#include "dlms/cosem/date_time.h"

#include <charconv>
#include <cstdio>

namespace dlms::cosem {

std::string_view to_label(DateTimeError e) {
  switch (e) {
    case DateTimeError::incomplete: return "incomplete";
    case DateTimeError::no_deviation: return "no_deviation";
    case DateTimeError::out_of_range: return "out_of_range";
    case DateTimeError::bad_text: return "bad_text";
  }
  return "unknown";
}

namespace {

using namespace std::chrono;

constexpr int kMaxDeviation = 720;  // minutes; the Blue Book range is -720..+720

bool in_range(const DateTime& dt) {
  const auto& d = dt.date;
  const auto& t = dt.time;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) return false;
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return false;
  if (t.hundredths != 0xFF && t.hundredths > 99) return false;
  return year_month_day{year{d.year}, month{d.month}, day{d.day}}.ok();
}

std::string two(unsigned v) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02u", v % 100);
  return buf;
}

std::string field(unsigned v, unsigned not_specified, int width) {
  if (v == not_specified || (width == 2 && v > 99)) return std::string(static_cast<std::size_t>(width), '*');
  char buf[8];
  std::snprintf(buf, sizeof buf, width == 4 ? "%04u" : "%02u", v);
  return buf;
}

std::string offset_text(int minutes_east) {
  if (minutes_east == 0) return "Z";
  const char sign = minutes_east < 0 ? '-' : '+';
  const int m = minutes_east < 0 ? -minutes_east : minutes_east;
  return std::string(1, sign) + two(static_cast<unsigned>(m / 60)) + ":" + two(static_cast<unsigned>(m % 60));
}

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view text, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (text[pos + i] < '0' || text[pos + i] > '9') return false;
  }
  std::from_chars(text.data() + pos, text.data() + pos + n, out);
  pos += n;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

bool is_complete(const DateTime& dt) {
  if (dt.date.year == 0xFFFF || dt.date.month == 0xFF || dt.date.day == 0xFF) return false;
  if (dt.time.hour == 0xFF || dt.time.minute == 0xFF || dt.time.second == 0xFF) return false;
  return in_range(dt);
}

bridge::Result<UtcTime, DateTimeError> to_utc(const DateTime& dt) {
  if (dt.date.year == 0xFFFF || dt.date.month > 12 || dt.date.day > 31 || dt.time.hour == 0xFF ||
      dt.time.minute == 0xFF || dt.time.second == 0xFF) {
    return bridge::fail(DateTimeError::incomplete);
  }
  if (!in_range(dt)) return bridge::fail(DateTimeError::out_of_range);
  if (dt.deviation == kDeviationNotSpecified) return bridge::fail(DateTimeError::no_deviation);
  if (dt.deviation < -kMaxDeviation || dt.deviation > kMaxDeviation) return bridge::fail(DateTimeError::out_of_range);
  const sys_days day_point{year_month_day{year{dt.date.year}, month{dt.date.month}, day{dt.date.day}}};
  const unsigned centis = dt.time.hundredths == 0xFF ? 0 : dt.time.hundredths;
  const auto local = time_point_cast<milliseconds>(day_point) + hours{dt.time.hour} + minutes{dt.time.minute} +
                     seconds{dt.time.second} + milliseconds{centis * 10};
  return local + minutes{dt.deviation};  // UTC = local + deviation
}

DateTime from_utc(UtcTime instant, std::int16_t deviation, std::uint8_t status) {
  const auto local = instant - minutes{deviation};
  const auto day_point = floor<days>(local);
  const year_month_day ymd{day_point};
  const hh_mm_ss hms{local - day_point};
  DateTime dt;
  dt.date.year = static_cast<std::uint16_t>(static_cast<int>(ymd.year()));
  dt.date.month = static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month()));
  dt.date.day = static_cast<std::uint8_t>(static_cast<unsigned>(ymd.day()));
  dt.date.weekday = static_cast<std::uint8_t>(weekday{day_point}.iso_encoding());  // 1 = Monday
  dt.time.hour = static_cast<std::uint8_t>(hms.hours().count());
  dt.time.minute = static_cast<std::uint8_t>(hms.minutes().count());
  dt.time.second = static_cast<std::uint8_t>(hms.seconds().count());
  dt.time.hundredths = static_cast<std::uint8_t>(hms.subseconds().count() / 10);
  dt.deviation = deviation;
  dt.status = status;
  return dt;
}

std::string to_iso8601(const DateTime& dt) {
  std::string out = field(dt.date.year, 0xFFFF, 4) + "-" + field(dt.date.month, 0xFF, 2) + "-" +
                    field(dt.date.day, 0xFF, 2) + "T" + field(dt.time.hour, 0xFF, 2) + ":" +
                    field(dt.time.minute, 0xFF, 2) + ":" + field(dt.time.second, 0xFF, 2);
  if (dt.time.hundredths != 0xFF && dt.time.hundredths <= 99) out += "." + two(dt.time.hundredths);
  if (dt.deviation != kDeviationNotSpecified) out += offset_text(-dt.deviation);
  return out;
}

std::string utc_text(UtcTime instant) {
  const auto day_point = floor<days>(instant);
  const year_month_day ymd{day_point};
  const hh_mm_ss hms{instant - day_point};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  std::string out = buf;
  if (const auto ms = hms.subseconds().count(); ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(ms));
    out += buf;
  }
  return out + "Z";
}

std::string clock_status_text(std::uint8_t status) {
  if (status == 0xFF) return "not_specified";
  if (status == 0) return "ok";
  static constexpr std::pair<std::uint8_t, std::string_view> kBits[] = {
      {0x01, "invalid_value"},        {0x02, "doubtful_value"},  {0x04, "different_clock_base"},
      {0x08, "invalid_clock_status"}, {0x80, "daylight_saving"},
  };
  std::string out;
  std::uint8_t rest = status;
  for (const auto& [bit, name] : kBits) {
    if ((status & bit) == 0) continue;
    if (!out.empty()) out += ",";
    out += name;
    rest = static_cast<std::uint8_t>(rest & ~bit);
  }
  if (rest != 0) out += (out.empty() ? "" : ",") + std::string("reserved_bits");
  return out;
}

bridge::Result<UtcTime, DateTimeError> parse_iso8601(std::string_view text) {
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const bool shape = digits(text, pos, 4, y) && expect(text, pos, '-') && digits(text, pos, 2, mo) &&
                     expect(text, pos, '-') && digits(text, pos, 2, d) &&
                     (expect(text, pos, 'T') || expect(text, pos, ' ')) && digits(text, pos, 2, h) &&
                     expect(text, pos, ':') && digits(text, pos, 2, mi) && expect(text, pos, ':') &&
                     digits(text, pos, 2, s);
  if (!shape) return bridge::fail(DateTimeError::bad_text);
  long long millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += scale * (text[pos] - '0');
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return bridge::fail(DateTimeError::bad_text);
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!digits(text, pos, 2, oh) || !expect(text, pos, ':') || !digits(text, pos, 2, om)) {
      return bridge::fail(DateTimeError::bad_text);
    }
    if (oh > 14 || om > 59) return bridge::fail(DateTimeError::out_of_range);
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return bridge::fail(DateTimeError::bad_text);  // an instant needs its zone
  }
  if (pos != text.size()) return bridge::fail(DateTimeError::bad_text);
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return bridge::fail(DateTimeError::out_of_range);
  return time_point_cast<milliseconds>(sys_days{ymd}) + hours{h} + minutes{mi} + seconds{s} +
         milliseconds{millis} - minutes{offset_minutes};
}

}  // namespace dlms::cosem
