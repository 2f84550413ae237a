// Scale-out: N bridge instances share one fleet config and one simulator. Every meter is
// polled by exactly one instance, while 2 shards run, across the restart to 3 shards, and a
// reload that takes meters away from an instance ends their sessions (DISC).
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>
#include <thread>

#include "bridge/config/shard.h"
#include "bridge_stack.h"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing_support::bin;
using testing_support::Child;

constexpr int kMeters = 12;

class Shards {
 public:
  explicit Shards(e2e::BridgeStack& stack) : stack_(stack) {}

  // Starts instance `index` of `count` on port base + index. Even instances take the shard from
  // --shard, odd ones from the environment as a StatefulSet pod would (pod name + count).
  // count 0: the shard comes from the file's [bridge] shard.
  void start(int index, int count) {
    std::vector<std::string> argv{bin("dlms-bridge"), "run", "--config", stack_.config_path().string()};
    std::map<std::string, std::string> env;
    if (count == 0) {
      // the file's [bridge] shard
    } else if (index % 2 == 0) {
      argv.insert(argv.end(), {"--shard", std::to_string(index) + "/" + std::to_string(count)});
    } else {
      env = {{"DLMS_BRIDGE_SHARD", "dlms-bridge-" + std::to_string(index)},
             {"DLMS_BRIDGE_SHARDS", std::to_string(count)}};
    }
    auto log = stack_.dir() / ("bridge-" + std::to_string(index) + ".log");
    instances_[index] = Child(argv, log, env);
    ASSERT_TRUE(testing_support::wait_until([&] { return get(index, "/-/ready").status == 200; }, 20s))
        << instances_[index].log();
    // Ready on our port and still running: not another test's bridge that took the port first.
    ASSERT_TRUE(instances_[index].running()) << instances_[index].log();
  }
  void stop(int index) { EXPECT_EQ(instances_[index].stop(SIGTERM, 10s), 0) << instances_[index].log(); }

  testing_support::HttpResponse get(int index, const std::string& path) const {
    return testing_support::http("GET", stack_.http_port() + index, path);
  }
  std::set<std::string> meters_of(int index) const {
    std::set<std::string> ids;
    for (const auto& m : json::parse(get(index, "/api/v1/meters").body)) ids.insert(m["id"].get<std::string>());
    return ids;
  }
  std::string logs() const {
    std::string out;
    for (const auto& [index, child] : instances_) out += "==== shard " + std::to_string(index) + "\n" + child.log();
    return out;
  }

 private:
  e2e::BridgeStack& stack_;
  std::map<int, Child> instances_;
};

json sim_stats(const e2e::BridgeStack& stack, int meter) {
  return stack.sim("GET", "/api/v1/meters/" + std::to_string(meter))["stats"];
}

std::map<int, std::uint64_t> get_requests(const e2e::BridgeStack& stack) {
  std::map<int, std::uint64_t> out;
  for (int k = 1; k <= kMeters; ++k) out[k] = sim_stats(stack, k)["get_requests"].get<std::uint64_t>();
  return out;
}

// Every meter answered new GETs since `before`: someone polls it.
void expect_every_meter_polled(const e2e::BridgeStack& stack, const std::map<int, std::uint64_t>& before) {
  std::map<int, std::uint64_t> now;
  ASSERT_TRUE(testing_support::wait_until(
      [&] {
        now = get_requests(stack);
        for (int k = 1; k <= kMeters; ++k) {
          if (now[k] <= before.at(k)) return false;
        }
        return true;
      },
      20s));
}

// The instances' meter lists are disjoint and cover the fleet.
void expect_partition(const Shards& shards, int count) {
  std::map<std::string, int> owner;
  for (int i = 0; i < count; ++i) {
    auto mine = shards.meters_of(i);
    EXPECT_FALSE(mine.empty()) << "shard " << i << "/" << count << " owns no meter";
    for (const auto& id : mine) {
      EXPECT_EQ(owner.count(id), 0u) << id << " is on shard " << owner[id] << " and on shard " << i;
      owner[id] = i;
    }
  }
  EXPECT_EQ(owner.size(), static_cast<std::size_t>(kMeters));
}

e2e::StackOptions sharded_stack() {
  e2e::StackOptions options;
  options.meters = kMeters;
  options.http_ports = 3;  // shards 0..2 listen on the port + their index
  return options;
}

std::string shared_config(const e2e::BridgeStack& stack, const std::string& bridge_keys) {
  std::vector<int> all;
  for (int k = 1; k <= kMeters; ++k) all.push_back(k);
  auto text = stack.config_text(all);
  text.replace(text.find("[bridge]\n"), 9, "[bridge]\n" + bridge_keys);
  return text;
}

TEST(Sharding, two_then_three_shards_poll_every_meter_exactly_once) {
  e2e::BridgeStack stack(sharded_stack());
  testing_support::write_file(stack.config_path(), shared_config(stack, "shard_port_offset = true\n"));
  Shards shards(stack);
  shards.start(0, 2);
  shards.start(1, 2);
  expect_partition(shards, 2);
  expect_every_meter_polled(stack, get_requests(stack));
  auto metrics = shards.get(1, "/metrics").body;
  const std::string instance = "e2e-" + std::to_string(stack.http_port()) + "-1";
  EXPECT_NE(metrics.find("dlms_bridge_shard_info{bridge_instance=\"" + instance + "\",shard=\"1\",shards=\"2\"} 1"),
            std::string::npos)
      << metrics.substr(0, 2000);

  // Grow to 3: the old shards restart with N = 3 first (jump hash: shard i of 3 owns a subset of
  // what shard i of 2 owned, the rest goes to the new shard 2), then the new shard starts. No
  // meter ever has two owners.
  shards.stop(1);
  shards.start(1, 3);
  shards.stop(0);
  shards.start(0, 3);
  shards.start(2, 3);
  expect_partition(shards, 3);
  expect_every_meter_polled(stack, get_requests(stack));

  // No meter ever had two TCP connections open at once: no two instances polled it together.
  for (int k = 1; k <= kMeters; ++k) {
    EXPECT_EQ(sim_stats(stack, k)["peak_open_connections"], 1) << "meter " << k << "\n" << shards.logs();
  }
  // Distinct MQTT client ids: the broker never had to kick a client off for a taken id.
  auto broker = testing_support::read_file(stack.dir() / "mosquitto.log");
  EXPECT_EQ(broker.find("already connected"), std::string::npos) << broker;
}

TEST(Sharding, a_reload_that_takes_meters_away_ends_their_sessions) {
  e2e::BridgeStack stack(sharded_stack());
  testing_support::write_file(stack.config_path(), shared_config(stack, "shard = \"0/1\"\n"));
  Shards shards(stack);
  shards.start(0, 0);
  ASSERT_EQ(shards.meters_of(0).size(), static_cast<std::size_t>(kMeters));
  expect_every_meter_polled(stack, get_requests(stack));
  std::map<int, std::uint64_t> releases;
  for (int k = 1; k <= kMeters; ++k) releases[k] = sim_stats(stack, k)["releases"].get<std::uint64_t>();

  testing_support::write_file(stack.config_path(), shared_config(stack, "shard = \"0/2\"\n"));
  auto reload = testing_support::http("POST", stack.http_port(), "/-/reload");
  ASSERT_EQ(reload.status, 200) << reload.body;
  // Shard 0 of 2 keeps the meters the jump hash gives it. The list shrinks one meter at a time
  // (a removed meter stays listed until its release is done), so the test waits for exactly
  // that set instead of taking the first shorter list it sees.
  std::set<std::string> kept;
  std::vector<int> lost;
  for (int k = 1; k <= kMeters; ++k) {
    const std::string id = "m" + std::to_string(k);
    if (bridge::config::shard_of(id, 2) == 0) {
      kept.insert(id);
    } else {
      lost.push_back(k);
    }
  }
  ASSERT_FALSE(kept.empty());
  ASSERT_FALSE(lost.empty());
  ASSERT_TRUE(testing_support::wait_until([&] { return shards.meters_of(0) == kept; }, 10s)) << shards.logs();
  // Each lost meter's association ends with a release (the simulator counts RLRQ or DISC)...
  for (int k : lost) {
    EXPECT_TRUE(testing_support::wait_until(
        [&] { return sim_stats(stack, k)["releases"].get<std::uint64_t>() > releases[k]; }, 10s))
        << "meter " << k << " was dropped by the reload without a release\n"
        << shards.logs();
    EXPECT_TRUE(testing_support::wait_until(
        [&] { return stack.sim("GET", "/api/v1/meters/" + std::to_string(k))["open_connections"] == 0; }, 10s))
        << "meter " << k;
  }
  // ...and nobody polls it any more, while the kept meters go on.
  const auto before = get_requests(stack);
  std::this_thread::sleep_for(2500ms);  // two poll intervals
  const auto after = get_requests(stack);
  for (int k : lost) EXPECT_EQ(after.at(k), before.at(k)) << "meter " << k << " still polled";
  // A kept meter may sit in a reconnect wait on a loaded machine: give it up to 10 s.
  for (int k = 1; k <= kMeters; ++k) {
    if (kept.count("m" + std::to_string(k))) {
      EXPECT_TRUE(testing_support::wait_until([&] { return get_requests(stack).at(k) > before.at(k); }, 10s))
          << "meter " << k << " no longer polled; its status: " << shards.get(0, "/api/v1/meters/m" + std::to_string(k)).body
          << "\n" << shards.logs();
    }
  }
  auto metrics = shards.get(0, "/metrics").body;
  EXPECT_NE(metrics.find("shard=\"0\",shards=\"2\"} 1"), std::string::npos);
}

}  // namespace
