// kill -9 of a publishing process, then restart on the same store: every reading that was in
// the outbox (or already acknowledged) at the kill arrives.
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

TEST(CrashTest, kill_9_while_publishing_loses_no_stored_reading) {
  ts::TempDir dir;
  mqtt_testing::MosquittoBroker broker(dir / "broker");
  broker.start();
  mqtt_testing::Subscriber sub(broker.port(), "crash-sub-" + std::to_string(broker.port()));
  ASSERT_TRUE(sub.wait_subscribed(10s));
  const auto db = (dir / "state.db").string();
  const auto progress = dir / "progress";
  const std::string port = std::to_string(broker.port());

  ts::Child first({MQTT_PUBLISHER_DRIVER, "--db", db, "--port", port, "--meters", "5", "--start", "0", "--count",
                   "1000000", "--rate", "2000", "--progress", progress.string()},
                  dir / "driver1.log");
  ASSERT_TRUE(ts::wait_until(
      [&] { return std::filesystem::exists(progress) && read_progress(progress).first >= 3000; }, 30s))
      << first.log();
  first.kill_hard();
  ASSERT_EQ(first.wait(5s), 128 + SIGKILL);
  // Readings [0, stored) were committed to the outbox (the file lags the truth, never leads it).
  const auto [stored, acked] = read_progress(progress);
  ASSERT_GE(stored, 3000u);

  ts::Child second({MQTT_PUBLISHER_DRIVER, "--db", db, "--port", port, "--meters", "5", "--start", "5000000",
                    "--count", "50", "--rate", "1000", "--exit-when-drained"},
                   dir / "driver2.log");
  ASSERT_EQ(second.wait(60s), 0) << second.log();

  auto received = [&] {
    std::set<std::int64_t> got;
    for (const auto& [key, copies] : collect_gateway(sub.messages()).entries) got.insert(key.second);
    return got;
  };
  ASSERT_TRUE(sub.wait_for(
      [&](const auto& msgs) {
        const auto d = collect_gateway(msgs);
        std::set<std::int64_t> got;
        for (const auto& [key, copies] : d.entries) got.insert(key.second);
        for (std::int64_t n = 0; n < static_cast<std::int64_t>(stored); ++n) {
          if (!got.count(driver_ts(n))) return false;
        }
        return got.count(driver_ts(5000000 + 49)) == 1;
      },
      30s));
  const auto got = received();
  std::size_t missing = 0;
  for (std::int64_t n = 0; n < static_cast<std::int64_t>(stored); ++n) missing += got.count(driver_ts(n)) == 0;
  EXPECT_EQ(missing, 0u);
  for (std::int64_t n = 5000000; n < 5000050; ++n) EXPECT_EQ(got.count(driver_ts(n)), 1u) << n;
  // Duplicates (redelivery of rows in flight at the kill) have identical content.
  for (const auto& [key, copies] : collect_gateway(sub.messages()).entries) {
    for (const auto& c : copies) EXPECT_EQ(c, copies.front()) << key.first << " " << key.second;
  }
  auto store = open_store(db);
  EXPECT_EQ(store->outbox_count(), 0);
  (void)acked;
}

}  // namespace
}  // namespace mqtt_it
