// The simulator's load profile (Profile Generic 1-0:99.1.0) and settable, drifting clock, read
// in memory by the codec's own client: capture objects, range and entry selective access, block
// transfer of the whole buffer, SET of the clock (LLS yes, public no), the trailing-bytes quirk.
#include <gtest/gtest.h>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "dlms/cosem/date_time.h"
#include "dlms/cosem/profile_generic.h"
#include "memory_pipe.h"
#include "session_helpers.h"
#include "sim/fleet.h"
#include "sim/load_profile.h"

namespace {

using namespace sim_test;
using cosem::DataAccessResult;
using cosem::Value;
using namespace std::chrono;

const cosem::Obis kProfile = *cosem::parse_obis("1-0:99.1.0");
const cosem::Obis kClockName = *cosem::parse_obis("0-0:1.0.0");
const cosem::CaptureObject kClockColumn{8, kClockName, 2, 0};

struct LoadProfileTest : ::testing::Test {
  sim::Fleet fleet{1, sim::make_profile(sim::ProfileKind::microstar), 7};
  std::unique_ptr<sim::ServerSession> s;
  std::unique_ptr<MemoryPipe> mem;
  std::unique_ptr<DlmsTestClient> c;

  void SetUp() override { open({}); }
  void open(ClientOptions o) {
    c.reset();
    mem.reset();
    s = std::make_unique<sim::ServerSession>(fleet, sim::Transport::hdlc, fleet.find(1), false, steady_clock::now());
    ASSERT_TRUE(s->accept());
    mem = std::make_unique<MemoryPipe>(*s);
    c = std::make_unique<DlmsTestClient>(mem->pipe(), o);
    ASSERT_TRUE(c->connect());
    ASSERT_TRUE(std::holds_alternative<cosem::Associated>(c->associate()));
  }
  sim::Meter& meter() { return *fleet.find(1); }
  Value get(std::int8_t attribute, std::optional<cosem::SelectiveAccess> access = std::nullopt) {
    auto r = c->get({cosem::AttributeDescriptor{7, kProfile, attribute, std::move(access)}});
    EXPECT_EQ(r.size(), 1U);
    if (r.size() != 1) return {};
    EXPECT_TRUE(std::holds_alternative<Value>(r[0].result));
    return std::holds_alternative<Value>(r[0].result) ? std::get<Value>(r[0].result) : Value{};
  }
  cosem::UtcTime meter_clock() {
    auto v = c->get(8, "0-0:1.0.0", 2);
    auto dt = cosem::decode_date_time(std::get<Value>(*v).get_if<cosem::OctetString>()->bytes);
    return *cosem::to_utc(*dt);
  }
  static Value at(cosem::UtcTime t) { return cosem::OctetString{cosem::encode_date_time(cosem::from_utc(t))}; }
};

TEST_F(LoadProfileTest, describes_its_columns_period_and_size) {
  auto columns = cosem::decode_capture_objects(get(3));
  ASSERT_TRUE(columns);
  EXPECT_EQ(*columns, sim::load_profile_columns(meter().profile()));
  EXPECT_EQ(cosem::clock_column(*columns), 0U);
  EXPECT_EQ(*cosem::decode_capture_period(get(4)), sim::kLoadProfilePeriodS);
  EXPECT_EQ(get(7), Value{sim::kLoadProfileEntries});
}

TEST_F(LoadProfileTest, range_on_the_clock_is_inclusive_and_entries_are_stable) {
  const auto now = meter_clock();
  const auto to = floor<hours>(now) - hours{1};
  const auto from = to - hours{2};
  const cosem::RangeDescriptor range{kClockColumn, at(from), at(to), {}};
  auto buffer = get(2, cosem::make_range_access(range));
  auto entries = cosem::decode_buffer(buffer, 4);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 9U);  // 2 h of quarter hours, both ends included
  auto times = cosem::entry_times(*entries, 0, sim::kLoadProfilePeriodS);
  EXPECT_EQ(times->front(), from);
  EXPECT_EQ(times->back(), to);
  for (std::size_t i = 1; i < entries->size(); ++i) {
    EXPECT_GE(*cosem::to_integer((*entries)[i][1]), *cosem::to_integer((*entries)[i - 1][1]));  // energy counts up
  }
  EXPECT_EQ(get(2, cosem::make_range_access(range)), buffer);  // deterministic
  // Selected columns: energy only, in the order asked.
  const cosem::RangeDescriptor energy{kClockColumn, at(from), at(from), {sim::load_profile_columns(meter().profile())[1]}};
  auto one = cosem::decode_buffer(get(2, cosem::make_range_access(energy)), 1);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1U);
  EXPECT_EQ((*one)[0][0], (*entries)[0][1]);
  // A range in the future is empty; restricting on another column is refused.
  EXPECT_EQ(get(2, cosem::make_range_access({kClockColumn, at(now + hours{1}), at(now + hours{2}), {}})),
            Value{cosem::Array{}});
  auto bad = c->get({cosem::AttributeDescriptor{
      7, kProfile, 2,
      cosem::make_range_access({sim::load_profile_columns(meter().profile())[1], at(from), at(to), {}})}});
  EXPECT_EQ(std::get<DataAccessResult>(bad.at(0).result), DataAccessResult::other_reason);
}

TEST_F(LoadProfileTest, entry_access_counts_from_the_oldest_and_open_ended_reads_are_counted) {
  const auto now = meter_clock();
  auto last = cosem::decode_buffer(get(2, cosem::make_entry_access({sim::kLoadProfileEntries - 1, sim::kLoadProfileEntries, 1, 2})), 2);
  ASSERT_TRUE(last);
  ASSERT_EQ(last->size(), 2U);
  auto times = cosem::entry_times(*last, 0, sim::kLoadProfilePeriodS);
  EXPECT_EQ(times->back(), floor<minutes>(now) - minutes{floor<minutes>(now).time_since_epoch().count() % 15});
  EXPECT_EQ(meter().stats().profile_open_ended_reads, 0U);
  get(2, cosem::make_entry_access({sim::kLoadProfileEntries, 0, 1, 0}));
  EXPECT_EQ(meter().stats().profile_open_ended_reads, 1U);
}

TEST_F(LoadProfileTest, the_whole_buffer_comes_in_blocks) {
  const auto frames_before = c->frames_received();
  auto entries = cosem::decode_buffer(get(2), 4);
  ASSERT_TRUE(entries);
  EXPECT_EQ(entries->size(), sim::kLoadProfileEntries);
  EXPECT_GT(c->frames_received() - frames_before, 100U);  // ~30 kB through 128-byte HDLC frames
}

TEST_F(LoadProfileTest, clock_starts_off_by_the_offset_and_an_lls_client_sets_it) {
  meter().faults().clock_offset_s = 3600;
  const auto before = meter_clock();
  EXPECT_NEAR(duration<double>(before - time_point_cast<milliseconds>(system_clock::now())).count(), 3600, 5);
  // The load profile follows the meter's clock: its newest entry is an hour ahead too.
  auto newest = cosem::decode_buffer(get(2, cosem::make_entry_access({sim::kLoadProfileEntries, sim::kLoadProfileEntries, 1, 1})), 1);
  EXPECT_GT(*cosem::to_utc(*cosem::column_date_time((*newest)[0][0])), time_point_cast<milliseconds>(system_clock::now()) + minutes{40});

  const auto target = time_point_cast<milliseconds>(system_clock::now());
  auto set = c->set({8, kClockName, 2, std::nullopt}, at(target));
  ASSERT_TRUE(set);
  EXPECT_EQ(set->result, DataAccessResult::success);
  EXPECT_NEAR(duration<double>(meter_clock() - time_point_cast<milliseconds>(system_clock::now())).count(), 0, 5);
  EXPECT_EQ(meter().stats().clock_sets, 1U);
  // Not a date-time: type_unmatched; another attribute: denied.
  EXPECT_EQ(c->set({8, kClockName, 2, std::nullopt}, Value{std::uint8_t{1}})->result, DataAccessResult::type_unmatched);
  EXPECT_EQ(c->set({8, kClockName, 3, std::nullopt}, Value{std::int16_t{0}})->result, DataAccessResult::read_write_denied);
}

TEST_F(LoadProfileTest, the_public_client_may_not_set_the_clock) {
  open({.client_sap = 16, .password = std::nullopt});
  auto set = c->set({8, kClockName, 2, std::nullopt}, at(time_point_cast<milliseconds>(system_clock::now())));
  ASSERT_TRUE(set);
  EXPECT_EQ(set->result, DataAccessResult::read_write_denied);
  EXPECT_EQ(meter().stats().clock_sets, 0U);
}

TEST_F(LoadProfileTest, a_drifting_clock_gains_its_ppm) {
  meter().faults().clock_drift_ppm = 1e6;  // one extra second per second
  const auto wall = system_clock::now();
  const auto t = meter().clock_time(wall, 100.0);
  EXPECT_NEAR(duration<double>(t - wall).count(), 100.0, 1e-3);
  meter().reset();
  EXPECT_EQ(meter().clock_time(wall, 100.0), wall);
}

TEST_F(LoadProfileTest, trailing_bytes_after_the_clock_are_a_warning_for_the_client) {
  meter().faults().clock_trailing_bytes = 2;
  auto v = c->get(8, "0-0:1.0.0", 2);
  ASSERT_TRUE(v);
  EXPECT_TRUE(std::holds_alternative<Value>(*v));
  EXPECT_EQ(c->protocol_warnings(), 1U);
  EXPECT_EQ(meter().counts().get(sim::FaultKind::clock_trailing_bytes), 1U);
}

}  // namespace
