// Strict request-target parsing: what reaches routes and handlers is decoded per segment and
// valid UTF-8, or the request is a 400 that never quotes the bytes.
#include "bridge/api/request_target.h"

#include <gtest/gtest.h>

#include "bridge/api/router.h"

namespace {

using bridge::api::decode_path;
using bridge::api::parse_query;
using Segments = std::vector<std::string>;

TEST(RequestTargetTest, segments_are_decoded_one_by_one_so_encoded_slashes_stay_inside) {
  EXPECT_EQ(*decode_path("/"), Segments{});
  EXPECT_EQ(*decode_path("/api/v1/meters/m1"), (Segments{"api", "v1", "meters", "m1"}));
  EXPECT_EQ(*decode_path("/api/v1/meters/m1%2F..%2Fm2"), (Segments{"api", "v1", "meters", "m1/../m2"}));
  EXPECT_EQ(*decode_path("/a/"), (Segments{"a", ""}));
  EXPECT_EQ(*decode_path("/caf%C3%A9"), (Segments{"caf\xc3\xa9"}));
  EXPECT_EQ(*decode_path("/a+b"), (Segments{"a+b"}));  // '+' is a plus in paths
  // Dot segments are not resolved: they are literal segments that match no route.
  EXPECT_EQ(*decode_path("/api/../-/healthy"), (Segments{"api", "..", "-", "healthy"}));
}

TEST(RequestTargetTest, nul_stays_a_byte_of_the_segment_instead_of_truncating_it) {
  auto s = decode_path("/api/v1/meters/m1%00evil");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->back(), std::string("m1\0evil", 7));
}

TEST(RequestTargetTest, invalid_utf8_and_malformed_escapes_are_errors_that_do_not_quote_the_input) {
  for (const char* bad : {"/%ff", "/x%80", "/-/healthy%ff", "/api/%ff", "/api/v1/meters/m1/%ff", "/%c0%af",
                          "/%ed%a0%80", "/%f4%90%80%80", "/%e2%82", "/\xff"}) {
    auto s = decode_path(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_NE(s.error().find("not valid UTF-8"), std::string::npos) << bad;
    EXPECT_EQ(s.error().find('\xff'), std::string::npos);
  }
  for (const char* bad : {"/%", "/%f", "/%zz", "/a%2"}) {
    auto s = decode_path(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_NE(s.error().find("malformed percent-escape"), std::string::npos) << bad;
  }
  EXPECT_FALSE(decode_path(""));
  EXPECT_FALSE(decode_path("api"));
}

TEST(RequestTargetTest, query_parameters_are_decoded_and_checked) {
  auto q = parse_query("since=5%20m&limit=10&&flag&x=a+b");
  ASSERT_TRUE(q) << q.error();
  EXPECT_EQ(q->at("since"), "5 m");
  EXPECT_EQ(q->at("limit"), "10");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(q->at("x"), "a b");
  EXPECT_TRUE(parse_query("")->empty());

  auto bad = parse_query("since=%ff");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "query parameter 'since' is not valid UTF-8 after percent-decoding");
  EXPECT_EQ(parse_query("limit=%zz").error(),
            "query parameter 'limit' has a malformed percent-escape (expected %XX with two hex digits)");
  EXPECT_EQ(parse_query("limit=1&limit=2").error(), "query parameter 'limit' is given more than once");
  EXPECT_FALSE(parse_query("%ff=1"));
}

TEST(RouterTest, parse_target_answers_400_json_and_fills_the_request) {
  bridge::api::Request r;
  r.raw_path = "/api/%ff";
  auto bad = bridge::api::Router::parse_target(r);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->content_type, "application/json");

  r.raw_path = "/api/v1/meters/m%2F1";
  r.query = "meter=m1";
  EXPECT_FALSE(bridge::api::Router::parse_target(r));
  EXPECT_EQ(r.path, "/api/v1/meters/m/1");
  EXPECT_EQ(r.segments.size(), 4u);
  EXPECT_EQ(r.query_param("meter"), "m1");
}

TEST(RouterTest, ids_match_exactly_and_json_never_throws_on_odd_bytes) {
  bridge::api::Router router;
  router.handle(bridge::api::Method::get, "/api/v1/meters/{id}", [](const bridge::api::Request& r) {
    if (r.params.at("id") != "m1") return bridge::api::Response::error(404, "unknown meter '" + r.params.at("id") + "'");
    return bridge::api::Response::text(200, "m1");
  });
  auto get = [&](const std::string& raw) {
    bridge::api::Request r;
    r.raw_path = raw;
    if (auto early = bridge::api::Router::parse_target(r)) return early->status;
    return router.route(r).status;
  };
  EXPECT_EQ(get("/api/v1/meters/m1"), 200);
  EXPECT_EQ(get("/api/v1/meters/m1%00evil"), 404);
  EXPECT_EQ(get("/api/v1/meters/m1%2F..%2Fm2"), 404);
  EXPECT_EQ(get("/api/v1/meters/m1/"), 404);
  EXPECT_EQ(get("/api/v1/meters/%ff"), 400);
  // A handler that puts raw bytes into JSON gets U+FFFD instead of an exception.
  auto r = bridge::api::Response::error(400, "bad \xff byte");
  EXPECT_EQ(r.body, "{\"error\":\"bad \xef\xbf\xbd byte\"}");
}

}  // namespace
