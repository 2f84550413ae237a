#include "bridge/api/request_target.h"

#include "bridge/utf8.h"

namespace bridge::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `text`; false on a '%' not followed by two hex digits.
bool percent_decode(std::string_view text, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return false;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

Result<std::vector<std::string>, std::string> decode_path(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return fail(std::string("the request path must start with '/'"));
  std::vector<std::string> segments;
  if (raw_path.size() == 1) return segments;
  std::string decoded;
  std::size_t pos = 1;
  while (true) {
    const auto slash = raw_path.find('/', pos);
    const auto raw = raw_path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (!percent_decode(raw, false, decoded)) {
      return fail(std::string("the request path has a malformed percent-escape (expected %XX with two hex digits)"));
    }
    if (!utf8::valid(decoded)) return fail(std::string("the request path is not valid UTF-8 after percent-decoding"));
    segments.push_back(decoded);
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return segments;
}

Result<std::map<std::string, std::string>, std::string> parse_query(std::string_view raw_query) {
  std::map<std::string, std::string> params;
  std::size_t pos = 0;
  std::string name, value;
  while (pos <= raw_query.size()) {
    const auto amp = raw_query.find('&', pos);
    const auto pair = raw_query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    pos = amp == std::string_view::npos ? raw_query.size() + 1 : amp + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto raw_name = pair.substr(0, eq);
    const auto raw_value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!percent_decode(raw_name, true, name) || !utf8::valid(name)) {
      return fail(std::string("the query string has a parameter name that is malformed or not UTF-8"));
    }
    if (!percent_decode(raw_value, true, value)) {
      return fail("query parameter '" + name + "' has a malformed percent-escape (expected %XX with two hex digits)");
    }
    if (!utf8::valid(value)) return fail("query parameter '" + name + "' is not valid UTF-8 after percent-decoding");
    if (!params.emplace(name, value).second) return fail("query parameter '" + name + "' is given more than once");
  }
  return params;
}

std::string join_path(const std::vector<std::string>& segments) {
  if (segments.empty()) return "/";
  std::string out;
  for (const auto& s : segments) out.append("/").append(s);
  return out;
}

}  // namespace bridge::api
