#pragma once
// gzip of successive /metrics bodies that compresses only the text that changed since the last
// body. At 10,000 meters a body is ~35 MB and compressing all of it took ~130 ms of a ~200 ms
// scrape; most of it (the per-meter failure/reconnect/HDLC breakdowns of healthy meters, the
// gauges that only move on faults) is identical from one scrape to the next
// (bench/results/scrape.md).
//
// The body is cut into chunks at line ends chosen by the series on the line (its name and
// labels, not its value), so a changed value never moves a cut. Each chunk is deflated on its
// own (fresh dictionary, ended by a sync flush on a byte boundary, not final); the compressed
// chunks of the previous body are kept under a 128-bit hash of their text and reused when the
// same text comes again. The answer is one ordinary gzip member: header, the chunks' deflate
// data in order, an empty final block, and the CRC-32 of the whole text combined from the
// chunks' CRCs (the pigz technique), so every gzip reader accepts it.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bridge::api::detail {

class ChunkedGzip {
 public:
  struct Stats {
    std::size_t chunks = 0;
    std::size_t reused = 0;  // chunks whose compressed bytes came from the previous body
  };

  // The gzip member of `body`; nullopt when zlib fails. Thread-safe (one body at a time).
  std::optional<std::string> compress(std::string_view body, Stats* stats = nullptr);
  // Bytes the cache of compressed chunks holds between scrapes (string capacities).
  std::size_t cached_bytes();

 private:
  struct Piece {
    std::string deflated;  // raw deflate, sync-flushed, not final
    std::uint32_t crc = 0;
  };
  struct Key {
    std::uint64_t low = 0, high = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const { return static_cast<std::size_t>(k.low); }
  };

  std::mutex mutex_;
  std::unordered_map<Key, Piece, KeyHash> previous_;
};

}  // namespace bridge::api::detail
