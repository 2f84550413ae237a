// ChunkedGzip: one valid gzip member whatever the body, and a second body that differs in a few
// values reuses the compressed chunks of the text that did not change.
#include "chunked_gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>

namespace {

using bridge::api::detail::ChunkedGzip;

// Inflates a gzip stream; also checks that nothing follows the first member (one member only).
std::string gunzip(const std::string& gz) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    char buf[65536];
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);  // checks the CRC-32 and ISIZE trailer at the end
    out.append(buf, sizeof buf - zs.avail_out);
  }
  const bool whole = zs.avail_in == 0;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return "<inflate failed: " + std::to_string(rc) + ">";
  if (!whole) return "<bytes after the gzip member>";
  return out;
}

// A /metrics-like body: `families` families of `meters` samples each.
std::string body(int meters, int families, int bump_every = 0) {
  std::string text;
  for (int f = 0; f < families; ++f) {
    const std::string name = "dlms_bridge_meter_family_" + std::to_string(f) + "_total";
    text += "# HELP " + name + " Help.\n# TYPE " + name + " counter\n";
    for (int m = 0; m < meters; ++m) {
      const int bump = bump_every > 0 && m % bump_every == 0 && f == 0 ? 1000 : 0;
      text += name + "{meter=\"meter-" + std::to_string(m) + "\"} " + std::to_string(m * 7 + f + bump) + "\n";
    }
  }
  return text;
}

TEST(ChunkedGzip, the_cache_between_scrapes_holds_about_the_compressed_size) {
  ChunkedGzip gz;
  const std::string text = body(4000, 12);  // ~2.6 MB of text
  auto packed = gz.compress(text);
  ASSERT_TRUE(packed);
  // The chunks' gzip, not the text (each chunk once took a worst-case-sized buffer, i.e. more
  // than its text, for a few KB of output).
  EXPECT_LE(gz.cached_bytes(), 2 * packed->size() + 64 * 1024) << "text " << text.size();
}

TEST(ChunkedGzip, output_is_one_gzip_member_of_the_body) {
  ChunkedGzip gz;
  for (const auto& text : {std::string(), std::string("x"), std::string("no newline at the end"), body(3, 2),
                           body(2000, 12)}) {
    auto packed = gz.compress(text);
    ASSERT_TRUE(packed);
    EXPECT_EQ(gunzip(*packed), text) << text.size();
  }
}

TEST(ChunkedGzip, random_bytes_and_long_lines_survive) {
  std::mt19937 rng(7);
  std::string noise(600 * 1024, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  std::string long_line(300 * 1024, 'a');  // above the largest chunk: cut without a line end
  ChunkedGzip gz;
  for (const auto& text : {noise, long_line, noise + "\n" + long_line}) {
    auto packed = gz.compress(text);
    ASSERT_TRUE(packed);
    EXPECT_TRUE(gunzip(*packed) == text) << text.size();
  }
}

TEST(ChunkedGzip, unchanged_text_reuses_its_compressed_chunks) {
  ChunkedGzip gz;
  ChunkedGzip::Stats first, second, third;
  const auto before = body(5000, 10);
  ASSERT_TRUE(gz.compress(before, &first));
  EXPECT_EQ(first.reused, 0u);
  EXPECT_GT(first.chunks, 20u);
  // Family 0 changes (every 50th meter): only its chunks are compressed again.
  const auto after = body(5000, 10, 50);
  auto packed = gz.compress(after, &second);
  ASSERT_TRUE(packed);
  EXPECT_EQ(gunzip(*packed), after);
  EXPECT_EQ(second.chunks, first.chunks);  // the cuts follow the series, not the values
  EXPECT_GE(second.reused, second.chunks * 8 / 10);
  EXPECT_LT(second.reused, second.chunks);
  // Back to the first body: the chunks of family 0 come from scratch again, the rest is reused.
  packed = gz.compress(before, &third);
  ASSERT_TRUE(packed);
  EXPECT_EQ(gunzip(*packed), before);
  EXPECT_EQ(third.reused, second.reused);
}

}  // namespace
