// Sharding one fleet config: the shard forms, meter ownership and what resharding moves.
#include "bridge/config/shard.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "test_util.h"

namespace {

using bridge::config::parse_shard;
using bridge::config::Shard;
using bridge::config::shard_of;

std::vector<std::string> meter_ids(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back("meter-" + std::to_string(i));
  return ids;
}

TEST(ShardParse, accepts_index_slash_count_and_pod_names) {
  EXPECT_EQ(*parse_shard("0/3"), (Shard{0, 3}));
  EXPECT_EQ(*parse_shard("2/3"), (Shard{2, 3}));
  EXPECT_EQ(*parse_shard("dlms-bridge-2/3"), (Shard{2, 3}));
  EXPECT_EQ(*parse_shard("dlms-bridge-1", 4), (Shard{1, 4}));
  EXPECT_EQ(*parse_shard("1", 4), (Shard{1, 4}));
  EXPECT_EQ(*parse_shard("web-0/1"), (Shard{0, 1}));
}

TEST(ShardParse, rejects_with_the_reason) {
  auto says = [](const char* text, const char* what, std::optional<std::uint32_t> count = std::nullopt) {
    auto r = parse_shard(text, count);
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().find(what), std::string::npos) << text << ": " << r.error();
  };
  says("3/3", "not below the count");
  says("1/0", "count must be 1..");
  says("1/5000", "count must be 1..");
  says("1", "no shard count");
  says("dlms-bridge-2", "no shard count");
  says("dlms-bridge/3", "no shard index");
  says("a/3", "no shard index");
  says("1/x", "not a number");
  says("-1/3", "no shard index");
}

TEST(ShardEnvironment, pod_name_with_the_count_beside_it) {
  setenv("DLMS_BRIDGE_SHARD", "dlms-bridge-2", 1);
  setenv("DLMS_BRIDGE_SHARDS", "3", 1);
  auto r = bridge::config::shard_from_environment();
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(**r, (Shard{2, 3}));
  setenv("DLMS_BRIDGE_SHARDS", "two", 1);
  EXPECT_FALSE(bridge::config::shard_from_environment());
  unsetenv("DLMS_BRIDGE_SHARDS");
  auto missing = bridge::config::shard_from_environment();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("DLMS_BRIDGE_SHARD"), std::string::npos) << missing.error();
  unsetenv("DLMS_BRIDGE_SHARD");
  auto unset = bridge::config::shard_from_environment();
  ASSERT_TRUE(unset);
  EXPECT_FALSE(*unset);
}

// The owner of a meter is part of the deployment contract: instances of different versions
// must agree on it, so the hash may never change. These are FNV-1a 64 + jump hash values.
TEST(ShardOwnership, is_pinned) {
  EXPECT_EQ(bridge::config::meter_key(""), 14695981039346656037ULL);
  EXPECT_EQ(bridge::config::meter_key("a"), 0xaf63dc4c8601ec8cULL);
  std::vector<std::uint32_t> owners;
  for (const auto& id : meter_ids(8)) owners.push_back(shard_of(id, 5));
  EXPECT_EQ(owners, (std::vector<std::uint32_t>{2, 3, 1, 1, 2, 3, 0,
                                                2}));  // computed by an independent Python FNV-1a + jump hash
}

TEST(ShardOwnership, every_meter_has_exactly_one_owner_and_shards_are_balanced) {
  const auto ids = meter_ids(10000);
  for (std::uint32_t n : {1u, 2u, 3u, 7u}) {
    std::map<std::uint32_t, int> per_shard;
    for (const auto& id : ids) {
      auto owner = shard_of(id, n);
      ASSERT_LT(owner, n);
      ++per_shard[owner];
    }
    ASSERT_EQ(per_shard.size(), n);
    for (auto [shard, count] : per_shard) {
      EXPECT_NEAR(count, 10000.0 / n, 10000.0 / n * 0.1) << "shard " << shard << " of " << n;
    }
  }
}

// N -> N+1 moves only meters that the new shard takes: at most ~1/(N+1) of the fleet, and none
// between the old shards (hash % N would move ~N/(N+1) of them).
TEST(ShardOwnership, resharding_moves_only_what_must_move) {
  const auto ids = meter_ids(10000);
  for (std::uint32_t n = 1; n < 12; ++n) {
    int moved = 0;
    for (const auto& id : ids) {
      auto before = shard_of(id, n);
      auto after = shard_of(id, n + 1);
      if (before != after) {
        ++moved;
        EXPECT_EQ(after, n) << id << " moved between old shards going " << n << " -> " << n + 1;
      }
    }
    const double bound = 10000.0 / (n + 1);
    EXPECT_LE(moved, bound * 1.1) << n << " -> " << n + 1;
    EXPECT_GE(moved, bound * 0.9) << n << " -> " << n + 1;
  }
}

TEST(ShardPlacement, keeps_the_shards_meters_and_makes_names_unique) {
  std::string text = "[bridge]\ninstance = \"edge\"\nshard_port_offset = true\n[http]\nlisten = \"127.0.0.1:9000\"\n";
  for (const auto& id : meter_ids(30)) text += "[[meter]]\nid = \"" + id + "\"\nhost = \"127.0.0.1\"\nport = 4059\n";
  std::size_t total = 0;
  std::map<std::string, int> owners;
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto config = config_test::load_ok(text);
    bridge::config::place_on_shard(config, Shard{i, 3});
    EXPECT_EQ(config.fleet_meter_count, 30u);
    EXPECT_EQ(config.bridge.instance, "edge-" + std::to_string(i));
    EXPECT_EQ(config.mqtt.client_id, "edge-" + std::to_string(i));
    EXPECT_EQ(config.store.path, std::filesystem::path("state") / ("dlms-bridge-" + std::to_string(i) + ".db"));
    EXPECT_EQ(config.http.listen.port, 9000 + i);
    for (const auto& m : config.meters) {
      ++owners[m.id];
      EXPECT_EQ(shard_of(m.id, 3), i);
    }
    total += config.meters.size();
  }
  EXPECT_EQ(total, 30u);
  EXPECT_EQ(owners.size(), 30u);
}

TEST(ShardPlacement, the_file_key_is_validated) {
  auto r = bridge::config::load_string("[bridge]\nshard = \"3/3\"\n", "test.toml");
  ASSERT_FALSE(r);
  EXPECT_NE(config_test::all_errors(r.error()).find("test.toml:2:"), std::string::npos);
  EXPECT_NE(config_test::all_errors(r.error()).find("not below the count"), std::string::npos);
  auto ok = config_test::load_ok("[bridge]\nshard = \"1/2\"\nallow_no_meters = true\n");
  EXPECT_EQ(ok.bridge.shard, (Shard{1, 2}));
}

}  // namespace
