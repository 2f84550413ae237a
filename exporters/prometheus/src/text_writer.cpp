#include "bridge/prometheus/text_writer.h"

#include "bridge/prometheus/family_filter.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace bridge::prometheus {

namespace {

void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

bool TextWriter::serves(std::string_view name) const { return filter_ == nullptr || filter_->serves(name); }

bool TextWriter::family(std::string_view name, std::string_view help, std::string_view type) {
  skipping_ = !serves(name);
  if (skipping_) return false;
  out_.append("# HELP ").append(name).push_back(' ');
  append_help(out_, help);
  out_.append("\n# TYPE ").append(name).push_back(' ');
  out_.append(type).push_back('\n');
  return true;
}

void TextWriter::sample(std::string_view name, std::string_view label_body, double value) {
  sample(name, label_body, {}, value);
}

// One resize and a few memcpy per line: this runs ~470,000 times per scrape at 10,000 meters.
void TextWriter::sample(std::string_view name, std::string_view label_body, std::string_view extra,
                        double value) {
  if (skipping_) return;
  char num[32];
  std::size_t num_len = 0;
  if (std::isnan(value)) {
    std::memcpy(num, "NaN", num_len = 3);
  } else if (std::isinf(value)) {
    std::memcpy(num, value > 0 ? "+Inf" : "-Inf", num_len = 4);
  } else if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    // Counters and timestamps are whole numbers: integer formatting is several times cheaper
    // than the shortest-double search and reads better ("1000000", not "1e+06").
    auto [end, ec] = std::to_chars(num, num + sizeof num, static_cast<long long>(value));
    (void)ec;
    num_len = static_cast<std::size_t>(end - num);
  } else {
    auto [end, ec] = std::to_chars(num, num + sizeof num, value);
    (void)ec;  // 32 bytes always hold the shortest form of a double
    num_len = static_cast<std::size_t>(end - num);
  }
  const bool braces = !label_body.empty() || !extra.empty();
  const bool comma = !label_body.empty() && !extra.empty();
  const std::size_t add =
      name.size() + (braces ? 2 : 0) + label_body.size() + (comma ? 1 : 0) + extra.size() + 1 + num_len + 1;
  const std::size_t old = out_.size();
  out_.resize(old + add);
  char* p = out_.data() + old;
  auto put = [&p](std::string_view s) {
    if (s.empty()) return;  // an empty view may have a null data(): memcpy(…, nullptr, 0) is UB
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  put(name);
  if (braces) {
    *p++ = '{';
    put(label_body);
    if (comma) *p++ = ',';
    put(extra);
    *p++ = '}';
  }
  *p++ = ' ';
  std::memcpy(p, num, num_len);
  p += num_len;
  *p = '\n';
}

std::string TextWriter::label(std::string_view name, std::string_view value) {
  std::string out;
  out.reserve(name.size() + value.size() + 3);
  out.append(name).append("=\"");
  append_label_value(out, value);
  out.push_back('"');
  return out;
}

void TextWriter::append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out.append("\\\\"); break;
      case '"': out.append("\\\""); break;
      case '\n': out.append("\\n"); break;
      default: out.push_back(c);
    }
  }
}

void TextWriter::append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out.append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buf[32];
  char* end = nullptr;
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    end = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value)).ptr;
  } else {
    end = std::to_chars(buf, buf + sizeof buf, value).ptr;  // shortest round-trip form
  }
  out.append(buf, end);
}

}  // namespace bridge::prometheus
