// kill -9 of a publishing process, then restart on the same store: every reading that was in
// the outbox (or already acknowledged) at the kill is acknowledged by the broker.
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "exporter_fixture.h"

namespace mqtt_it {
namespace {

namespace ts = testing_support;

std::pair<std::uint64_t, std::uint64_t> read_progress(const std::filesystem::path& p) {
  std::istringstream in(ts::read_file(p));
  std::uint64_t stored = 0, acked = 0;
  in >> stored >> acked;
  return {stored, acked};
}

std::int64_t driver_ts(std::int64_t n) { return 1'764'000'000'000 + n * 1000; }

// The broker answers every PUBLISH only after a delay, so at the kill a window's worth of
// readings has been handed to the network but not acknowledged. Only what the broker
// acknowledged counts as delivered: a row deleted before its PUBACK would be lost here.
TEST(CrashTest, kill_9_while_publishing_loses_no_stored_reading) {
  ts::TempDir dir;
  mqtt_testing::FakeBroker broker([](const auto&) { return mqtt_testing::FakeBroker::Action::delayed_puback; }, 300ms);
  const auto db = (dir / "state.db").string();
  const auto progress = dir / "progress";
  const std::string port = std::to_string(broker.port());

  ts::Child first({MQTT_PUBLISHER_DRIVER, "--db", db, "--port", port, "--meters", "5", "--start", "0", "--count",
                   "1000000", "--rate", "2000", "--progress", progress.string()},
                  dir / "driver1.log");
  ASSERT_TRUE(ts::wait_until(
      [&] {
        const auto acknowledged = broker.acknowledged().size();
        return std::filesystem::exists(progress) && read_progress(progress).first >= 3000 && acknowledged >= 5 &&
               broker.publishes().size() > acknowledged;  // and some are in flight right now
      },
      30s))
      << first.log();
  first.kill_hard();
  ASSERT_EQ(first.wait(5s), 128 + SIGKILL);
  // Readings [0, stored) were committed to the outbox (the file lags the truth, never leads it).
  const auto [stored, acked] = read_progress(progress);
  ASSERT_GE(stored, 3000u);
  // Some were in flight: published on the first connection, never acknowledged.
  const auto first_published = broker.publishes().size();
  std::size_t first_acked = 0;
  for (const auto& p : broker.acknowledged()) first_acked += p.connection == 1;
  ASSERT_GT(first_published, first_acked);

  ts::Child second({MQTT_PUBLISHER_DRIVER, "--db", db, "--port", port, "--meters", "5", "--start", "5000000",
                    "--count", "50", "--rate", "1000", "--exit-when-drained"},
                   dir / "driver2.log");
  ASSERT_EQ(second.wait(60s), 0) << second.log();

  std::vector<mqtt_testing::Received> delivered;
  for (const auto& p : broker.acknowledged()) delivered.push_back({p.topic, p.payload});
  const auto d = collect_gateway(delivered);
  std::set<std::int64_t> got;
  for (const auto& [key, copies] : d.entries) got.insert(key.second);
  std::size_t missing = 0;
  for (std::int64_t n = 0; n < static_cast<std::int64_t>(stored); ++n) missing += got.count(driver_ts(n)) == 0;
  EXPECT_EQ(missing, 0u) << "of " << stored << " stored readings";
  for (std::int64_t n = 5000000; n < 5000050; ++n) EXPECT_EQ(got.count(driver_ts(n)), 1u) << n;
  // Duplicates (redelivery of rows in flight at the kill) have identical content.
  for (const auto& [key, copies] : d.entries) {
    for (const auto& c : copies) EXPECT_EQ(c, copies.front()) << key.first << " " << key.second;
  }
  auto store = open_store(db);
  EXPECT_EQ(store->outbox_count(), 0);
  (void)acked;
}

}  // namespace
}  // namespace mqtt_it
