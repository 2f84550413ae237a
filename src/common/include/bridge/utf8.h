#pragma once
// UTF-8 validity (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). Bytes that
// come from the network (request paths, query strings, headers) are checked with this before
// they reach JSON (nlohmann throws on invalid UTF-8) or a log line.
#include <cstddef>
#include <string_view>

namespace bridge::utf8 {

// Length of the valid UTF-8 sequence starting at text[pos], or 0 when the byte there does not
// start one (stray continuation byte, overlong form, surrogate, truncated sequence ...).
std::size_t sequence_length(std::string_view text, std::size_t pos);

bool valid(std::string_view text);

}  // namespace bridge::utf8
