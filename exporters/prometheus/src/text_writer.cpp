#include "bridge/metrics/text_writer.h"

#include <charconv>
#include <cmath>

namespace bridge::metrics {

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

void TextWriter::family(std::string_view name, std::string_view help, std::string_view type) {
  out_.append("# HELP ").append(name).push_back(' ');
  append_help(out_, help);
  out_.append("\n# TYPE ").append(name).push_back(' ');
  out_.append(type).push_back('\n');
}

void TextWriter::sample(std::string_view name, std::string_view label_body, double value) {
  out_.append(name);
  if (!label_body.empty()) out_.append("{").append(label_body).push_back('}');
  out_.push_back(' ');
  append_value(out_, value);
  out_.push_back('\n');
}

void TextWriter::sample(std::string_view name, std::string_view label_body, std::string_view extra,
                        double value) {
  out_.append(name);
  if (!label_body.empty() || !extra.empty()) {
    out_.push_back('{');
    out_.append(label_body);
    if (!label_body.empty() && !extra.empty()) out_.push_back(',');
    out_.append(extra).push_back('}');
  }
  out_.push_back(' ');
  append_value(out_, value);
  out_.push_back('\n');
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
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 32 bytes always hold the shortest form of a double
  out.append(buf, end);
}

}  // namespace bridge::metrics
