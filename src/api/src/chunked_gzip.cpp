#include "chunked_gzip.h"

#include <xxhash.h>
#include <zlib.h>

#include <cstring>
#include <memory>

namespace bridge::api::detail {

namespace {

// Cut after a line whose series hash has its top 9 bits clear (1 line in 512, ~36 KB of
// /metrics text), but never below kMinChunk (deflate needs some text to find repeats) nor above
// kMaxChunk (a body without matching lines still gets cuts).
constexpr std::size_t kMinChunk = 8 * 1024;
constexpr std::size_t kMaxChunk = 256 * 1024;
constexpr int kCutShift = 64 - 9;

// Where the chunk starting at `begin` ends: just after the line chosen by its series.
std::size_t chunk_end(std::string_view body, std::size_t begin) {
  std::size_t pos = begin;
  while (pos < body.size()) {
    const char* line = body.data() + pos;
    const auto* nl = static_cast<const char*>(std::memchr(line, '\n', body.size() - pos));
    const std::size_t len = nl != nullptr ? static_cast<std::size_t>(nl - line) : body.size() - pos;
    pos += len + (nl != nullptr ? 1 : 0);
    if (pos - begin >= kMaxChunk) return pos;
    if (pos - begin < kMinChunk) continue;
    // The series is the text before the value (the last space); HELP/TYPE lines hash whole.
    const auto* space = static_cast<const char*>(memrchr(line, ' ', len));
    const std::size_t series = space != nullptr && line[0] != '#' ? static_cast<std::size_t>(space - line) : len;
    if ((XXH3_64bits(line, series) >> kCutShift) == 0) return pos;
  }
  return pos;
}

struct DeflateStream {
  z_stream zs{};
  bool ok = false;
  DeflateStream() {
    // Raw deflate (negative windowBits), level 1 as the whole-body gzip: /metrics favours speed.
    ok = deflateInit2(&zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~DeflateStream() {
    if (ok) deflateEnd(&zs);
  }
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;

  // `text` alone (no dictionary from earlier chunks), ended by a sync flush: the last block is
  // not final and the output ends on a byte boundary, so chunks concatenate.
  // The deflate output goes to `scratch` (sized for the worst case, which is a little more than
  // the text) and is then copied to an exactly sized `out`: the cache keeps every chunk of the
  // body, and at 10,000 meters worst-case-sized strings held ~35 MB for ~1.6 MB of gzip.
  bool deflate_chunk(std::string_view text, std::string& out) {
    if (deflateReset(&zs) != Z_OK) return false;
    const std::size_t bound = deflateBound(&zs, text.size()) + 16;
    if (scratch.size() < bound) scratch.resize(bound);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(scratch.data());
    zs.avail_out = static_cast<uInt>(bound);
    const int rc = deflate(&zs, Z_SYNC_FLUSH);
    if (rc != Z_OK || zs.avail_in != 0 || zs.avail_out == 0) return false;  // bound guarantees room
    out.assign(scratch.data(), bound - zs.avail_out);
    return true;
  }
  std::string scratch;
};

void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

std::optional<std::string> ChunkedGzip::compress(std::string_view body, Stats* stats) {
  std::lock_guard lock(mutex_);
  DeflateStream stream;
  if (!stream.ok) return std::nullopt;

  // RFC 1952 header: deflate, no flags, no mtime, XFL 0, OS 3 (Unix).
  static constexpr unsigned char kHeader[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  std::string out(reinterpret_cast<const char*>(kHeader), sizeof kHeader);
  out.reserve(body.size() / 12 + 4096);  // /metrics text compresses ~20x
  std::unordered_map<Key, Piece, KeyHash> current;
  current.reserve(previous_.size() + 16);
  std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, nullptr, 0));
  Stats counted;

  for (std::size_t begin = 0; begin < body.size();) {
    const std::size_t end = chunk_end(body, begin);
    const auto text = body.substr(begin, end - begin);
    begin = end;
    const auto h = XXH3_128bits(text.data(), text.size());
    const Key key{h.low64, h.high64};
    ++counted.chunks;
    const Piece* piece = nullptr;
    if (auto it = current.find(key); it != current.end()) {
      piece = &it->second;
      ++counted.reused;
    } else if (auto old = previous_.find(key); old != previous_.end()) {
      piece = &current.emplace(key, std::move(old->second)).first->second;
      previous_.erase(old);
      ++counted.reused;
    } else {
      Piece fresh;
      if (!stream.deflate_chunk(text, fresh.deflated)) return std::nullopt;
      fresh.crc = static_cast<std::uint32_t>(
          crc32(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
      piece = &current.emplace(key, std::move(fresh)).first->second;
    }
    out.append(piece->deflated);
    crc = static_cast<std::uint32_t>(crc32_combine(crc, piece->crc, static_cast<z_off_t>(text.size())));
  }
  // Final block: fixed Huffman, BFINAL set, only the end-of-block code (bits 1,01,0000000).
  out.push_back(0x03);
  out.push_back(0x00);
  put_le32(out, crc);
  put_le32(out, static_cast<std::uint32_t>(body.size()));  // ISIZE is the length modulo 2^32
  previous_ = std::move(current);
  if (stats != nullptr) *stats = counted;
  return out;
}

std::size_t ChunkedGzip::cached_bytes() {
  std::lock_guard lock(mutex_);
  std::size_t bytes = 0;
  for (const auto& [key, piece] : previous_) bytes += piece.deflated.capacity();
  return bytes;
}

}  // namespace bridge::api::detail
