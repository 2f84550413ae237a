#pragma once
// gzip for responses when the client sends Accept-Encoding: gzip (Prometheus does).
#include <optional>
#include <string>
#include <string_view>

namespace bridge::api::detail {

// True when the Accept-Encoding value lists gzip (or *) with a non-zero q.
bool accepts_gzip(std::string_view accept_encoding);
// gzip container (RFC 1952) of `data`; level 1 favours speed: /metrics bodies are large and
// highly repetitive. nullopt if zlib fails.
std::optional<std::string> gzip(std::string_view data, int level = 1);

}  // namespace bridge::api::detail
