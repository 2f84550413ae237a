#include "gzip_options.h"

#include <libdeflate.h>
#include <time.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "chunked_gzip.h"

namespace scrape_bench {

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::size_t zlib_gzip(const std::string& data, int level) {
  z_stream zs{};
  deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  return zs.total_out;
}

std::size_t libdeflate_gzip(const std::string& data, int level) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(level);
  std::string out(libdeflate_gzip_compress_bound(c, data.size()), '\0');
  const std::size_t n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size());
  libdeflate_free_compressor(c);
  return n;
}

void row(const char* what, const std::vector<double>& cpu, std::size_t bytes, std::size_t body, const char* note = "") {
  std::printf("| %s | %.1f | %.2f | %.1f | %s\n", what, median(cpu), bytes / 1e6,
              bytes ? static_cast<double>(body) / bytes : 0.0, note);
}

}  // namespace

void compare_gzip_options(const std::function<std::string()>& render, const std::function<void(double)>& poll) {
  constexpr int kRounds = 7;
  std::string body = render();
  std::printf("| gzip option (same body, %.1f MB) | thread CPU ms (median of %d) | compressed MB | ratio | note\n"
              "|---|---|---|---|---|\n",
              body.size() / 1e6, kRounds);
  for (int level : {1, 6}) {
    std::vector<double> cpu;
    std::size_t n = 0;
    for (int i = 0; i < kRounds; ++i) {
      const double c0 = thread_cpu_ms();
      n = zlib_gzip(body, level);
      cpu.push_back(thread_cpu_ms() - c0);
    }
    row(level == 1 ? "zlib level 1, whole body (before)" : "zlib level 6, whole body", cpu, n, body.size());
  }
  for (int level : {1, 2, 4}) {
    std::vector<double> cpu;
    std::size_t n = 0;
    for (int i = 0; i < kRounds; ++i) {
      const double c0 = thread_cpu_ms();
      n = libdeflate_gzip(body, level);
      cpu.push_back(thread_cpu_ms() - c0);
    }
    char what[64];
    std::snprintf(what, sizeof what, "libdeflate level %d, whole body", level);
    row(what, cpu, n, body.size());
  }
  // ChunkedGzip: cold (nothing cached), then steady state with `share` of the meters polled
  // between two scrapes: 0.25 = 60 s interval scraped every 15 s; 1.0 = every meter changed.
  bridge::api::detail::ChunkedGzip chunked;
  {
    bridge::api::detail::ChunkedGzip::Stats st;
    const double c0 = thread_cpu_ms();
    auto packed = chunked.compress(body, &st);
    const double cold = thread_cpu_ms() - c0;
    char note[96];
    std::snprintf(note, sizeof note, "%zu chunks", st.chunks);
    row("ChunkedGzip, cold (first scrape)", {cold}, packed ? packed->size() : 0, body.size(), note);
  }
  for (double share : {0.0, 0.05, 0.25, 1.0}) {
    std::vector<double> cpu, render_cpu;
    std::size_t n = 0;
    bridge::api::detail::ChunkedGzip::Stats st;
    for (int i = 0; i < kRounds; ++i) {
      poll(share);
      double c0 = thread_cpu_ms();
      body = render();
      render_cpu.push_back(thread_cpu_ms() - c0);
      c0 = thread_cpu_ms();
      auto packed = chunked.compress(body, &st);
      cpu.push_back(thread_cpu_ms() - c0);
      n = packed ? packed->size() : 0;
    }
    char what[96], note[128];
    std::snprintf(what, sizeof what, "ChunkedGzip, %.0f %% of meters polled since the last scrape", share * 100);
    std::snprintf(note, sizeof note, "%zu of %zu chunks reused; render of the same body %.1f ms", st.reused, st.chunks,
                  median(render_cpu));
    row(what, cpu, n, body.size(), note);
  }
  std::printf("\n");
}

}  // namespace scrape_bench
