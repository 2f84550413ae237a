// Control API as a function: paths, methods, JSON shapes, validation, hooks.
#include "sim/control_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/fleet.h"

namespace {

using nlohmann::json;

struct ControlApiTest : ::testing::Test {
  sim::Fleet fleet{3, sim::make_profile(sim::ProfileKind::microstar), 1};
  std::vector<std::uint32_t> changed;
  std::vector<std::uint32_t> disconnected;
  sim::ControlApi api{fleet,
                      {[this](sim::Meter& m) { changed.push_back(m.id()); },
                       [this](sim::Meter& m) {
                         disconnected.push_back(m.id());
                         return std::size_t{2};
                       },
                       [](const sim::Meter& m) { return static_cast<std::uint16_t>(4000 + m.id()); }}};

  json call(std::string_view method, std::string_view path, std::string_view body, int expect_status) {
    auto r = api.handle(method, path, body);
    EXPECT_EQ(r.status, expect_status) << method << " " << path << " -> " << r.body;
    return json::parse(r.body, nullptr, false);
  }
};

TEST_F(ControlApiTest, meter_json_has_identity_faults_counts_and_stats) {
  auto m = call("GET", "/api/v1/meters/2", "", 200);
  EXPECT_EQ(m["id"], 2);
  EXPECT_EQ(m["physical_address"], 2);
  EXPECT_EQ(m["port"], 4002);
  EXPECT_EQ(m["serial"], "000019000002");
  EXPECT_EQ(m["profile"], "microstar");
  EXPECT_EQ(m["faults"]["silent"], false);
  EXPECT_EQ(m["counts"].size(), sim::kFaultKinds.size());
  EXPECT_EQ(m["stats"]["associations"], 0);
  auto list = call("GET", "/api/v1/meters", "", 200);
  EXPECT_EQ(list["meters"].size(), 3U);
}

TEST_F(ControlApiTest, post_faults_merges_and_notifies) {
  auto m = call("POST", "/api/v1/meters/1/faults", R"({"corrupt_fcs":0.5,"silent":true})", 200);
  EXPECT_EQ(m["faults"]["corrupt_fcs"], 0.5);
  EXPECT_EQ(m["silent"], true);
  call("POST", "/api/v1/meters/1/faults", R"({"delay_ms":100})", 200);
  EXPECT_DOUBLE_EQ(fleet.find(1)->faults().corrupt_fcs, 0.5);
  EXPECT_EQ(fleet.find(1)->faults().delay.count(), 100);
  EXPECT_EQ(changed, (std::vector<std::uint32_t>{1, 1}));
}

TEST_F(ControlApiTest, bad_fault_body_is_400_and_changes_nothing) {
  auto e = call("POST", "/api/v1/meters/1/faults", R"({"delay_ms":5,"corrupt_fcs":7})", 400);
  EXPECT_NE(e["error"].get<std::string>().find("corrupt_fcs"), std::string::npos);
  EXPECT_EQ(fleet.find(1)->faults().delay.count(), 0);
  call("POST", "/api/v1/meters/1/faults", "not json", 400);
  call("POST", "/api/v1/meters/1/faults", R"({"nope":1})", 400);
  EXPECT_TRUE(changed.empty());
}

TEST_F(ControlApiTest, reset_clears_faults_and_silence_but_keeps_counts) {
  sim::Meter& m = *fleet.find(3);
  call("POST", "/api/v1/meters/3/faults", R"({"silent":true,"split_writes":true})", 200);
  EXPECT_TRUE(m.swallow_request());
  EXPECT_EQ(m.counts().get(sim::FaultKind::silent), 1U);
  auto r = call("POST", "/api/v1/meters/3/reset", "", 200);
  EXPECT_EQ(r["silent"], false);
  EXPECT_EQ(r["counts"]["silent"], 1);
  EXPECT_FALSE(m.faults().any());
  EXPECT_FALSE(m.swallow_request());
}

TEST_F(ControlApiTest, silent_after_counts_from_when_it_is_set) {
  sim::Meter& m = *fleet.find(1);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(m.swallow_request());
  call("POST", "/api/v1/meters/1/faults", R"({"silent_after":2})", 200);
  EXPECT_FALSE(m.swallow_request());
  EXPECT_FALSE(m.swallow_request());
  EXPECT_TRUE(m.swallow_request());
  EXPECT_TRUE(m.swallow_request());
  auto c = call("GET", "/api/v1/meters/1/counts", "", 200);
  EXPECT_EQ(c["silent_after"], 1);
  EXPECT_EQ(c["silent"], 2);
}

TEST_F(ControlApiTest, fleet_wide_faults_reset_and_counts) {
  call("POST", "/api/v1/faults", R"({"garbage":0.1})", 200);
  for (const auto& m : fleet) EXPECT_DOUBLE_EQ(m->faults().garbage, 0.1);
  fleet.find(2)->counts().add(sim::FaultKind::garbage, 4);
  auto counts = call("GET", "/api/v1/counts", "", 200);
  EXPECT_EQ(counts["total"]["garbage"], 4);
  EXPECT_EQ(counts["meters"].size(), 1U);
  EXPECT_EQ(counts["meters"]["2"]["garbage"], 4);
  call("POST", "/api/v1/reset", "", 200);
  for (const auto& m : fleet) EXPECT_FALSE(m->faults().any());
  call("POST", "/api/v1/faults", R"({"garbage":2})", 400);
}

TEST_F(ControlApiTest, disconnect_calls_the_hook) {
  auto r = call("POST", "/api/v1/meters/2/disconnect", "", 200);
  EXPECT_EQ(r["closed"], 2);
  EXPECT_EQ(disconnected, (std::vector<std::uint32_t>{2}));
}

TEST_F(ControlApiTest, unknown_meter_path_and_method_errors) {
  call("GET", "/api/v1/meters/0", "", 404);
  call("GET", "/api/v1/meters/4", "", 404);
  call("GET", "/api/v1/meters/x1", "", 404);
  call("GET", "/api/v1/nothing", "", 404);
  call("DELETE", "/api/v1/meters/1", "", 405);
  call("GET", "/api/v1/meters/1/reset", "", 405);
  EXPECT_EQ(api.handle("GET", "/-/healthy", "").status, 200);
}

}  // namespace
