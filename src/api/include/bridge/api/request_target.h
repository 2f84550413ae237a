#pragma once
// Strict parsing of the request target, before anything else sees it. The path is split on '/'
// first and each segment is percent-decoded on its own, so "%2F" stays inside its segment
// ("m1%2F..%2Fm2" is one id that matches nothing) and no dot segment is ever resolved; "%00"
// stays a byte of the segment (an id never gets truncated at it). Malformed escapes and bytes
// that are not UTF-8 after decoding are rejected: such a request gets 400, and nothing that is
// not UTF-8 reaches a handler, a JSON body or a log line.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/result.h"

namespace bridge::api {

// "/api/v1/meters/m1" -> {"api", "v1", "meters", "m1"}; "/" -> {}; a trailing slash gives an
// empty last segment. The error text never quotes the input.
Result<std::vector<std::string>, std::string> decode_path(std::string_view raw_path);

// "a=1&b=x%20y" -> {a: "1", b: "x y"} ('+' is a space, as HTML forms send it). A name given
// twice, a malformed escape or a name/value that is not UTF-8 after decoding is an error.
Result<std::map<std::string, std::string>, std::string> parse_query(std::string_view raw_query);

// The decoded path for messages and logs: "/" + segments joined by '/'.
std::string join_path(const std::vector<std::string>& segments);

}  // namespace bridge::api
