#pragma once
// The gzip options for a /metrics body, measured in one run on the same body
// (bench/results/scrape.md): zlib level 1 on the whole body (before), libdeflate on the whole
// body, and ChunkedGzip (what the server does) with a share of the meters' values changed
// between two scrapes, as the poller changes them.
#include <functional>
#include <string>

namespace scrape_bench {

// `render` returns the current body; `poll(fraction)` advances that share of the meters as a
// poll cycle would (counters, timestamp, duration, readings).
void compare_gzip_options(const std::function<std::string()>& render, const std::function<void(double)>& poll);

}  // namespace scrape_bench
