#include "gzip.h"

#include <zlib.h>

#include <cctype>

namespace bridge::api::detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    auto comma = accept_encoding.find(',');
    auto item = trim(accept_encoding.substr(0, comma));
    accept_encoding = comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    auto semi = item.find(';');
    auto coding = trim(item.substr(0, semi));
    if (!iequals(coding, "gzip") && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    auto param = trim(item.substr(semi + 1));
    if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      auto q = trim(param.substr(2));
      // q=0, q=0.0, q=0.000 mean "not acceptable".
      bool zero = !q.empty() && q[0] == '0';
      for (std::size_t i = 1; zero && i < q.size(); ++i) zero = q[i] == '.' || q[i] == '0';
      if (!zero) return true;
      continue;
    }
    return true;
  }
  return false;
}

std::optional<std::string> gzip(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16: gzip wrapper instead of zlib.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  // Start small and grow: /metrics text compresses ~20x, and deflateBound() would allocate more
  // than the whole input (35 MB at 10,000 meters) for every scrape.
  std::string out(data.size() / 8 + 4096, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc == Z_OK || rc == Z_BUF_ERROR) {
    if (zs.total_out == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + zs.total_out);
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    rc = deflate(&zs, Z_FINISH);
    if (rc == Z_BUF_ERROR && zs.avail_out != 0) break;  // no progress possible: give up
  }
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(zs.total_out);
  out.shrink_to_fit();
  return out;
}

}  // namespace bridge::api::detail
