// HdlcChannel against an in-test meter built on the codec's server-role Link: round trips,
// resync after garbage and corrupt frames, stale repeats discarded, deadlines, DM, mid-frame close.
#include "hdlc_channel.h"

#include <gtest/gtest.h>

#include "run_coro.h"
#include "scripted_meter.h"

namespace {

using namespace std::chrono_literals;
using bridge::labels::HdlcError;
using bridge::transport::ConnectionStats;
using bridge::transport::ErrorKind;
using bridge::transport::FrameObserver;
using bridge::transport::MeterEndpoint;
using bridge::transport::Step;
using bridge::transport::TcpStream;
using bridge::transport::Timeouts;
using bridge::transport::detail::ChannelContext;
using bridge::transport::detail::Clock;
using bridge::transport::detail::HdlcChannel;
using bridge::transport::test::answer;
using bridge::transport::test::Reply;
using bridge::transport::test::run_coro;
using bridge::transport::test::ScriptedMeter;
namespace asio = boost::asio;

const dlms::Bytes kRequest{0xC0, 0x01, 0xC1, 0x00, 0x03, 0x01, 0x01, 0x20, 0x07, 0x00, 0xFF, 0x02, 0x00};

dlms::Bytes reply_for(const dlms::Bytes& request) {
  // A GET.response-normal echoing the invoke id, data long-unsigned 13519; 0x7E inside on purpose.
  return {0xC4, 0x01, request.size() > 2 ? request[2] : std::uint8_t{0xC1}, 0x00, 0x12, 0x34, 0x7E};
}

struct Fixture {
  explicit Fixture(ScriptedMeter::Responder responder, MeterEndpoint ep = {}) : endpoint(std::move(ep)) {
    endpoint.host = "127.0.0.1";
    meter.emplace(io, dlms::hdlc::ServerAddress{endpoint.server_logical, endpoint.server_physical,
                                                static_cast<std::uint8_t>(endpoint.address_size)},
                  std::move(responder));
    endpoint.port = meter->port();
    timeouts.request = 300ms;
    observer.on_hdlc_error = [this](HdlcError kind, std::span<const std::uint8_t>) { errors.push_back(kind); };
    observer.on_frame = [this](bool tx, std::span<const std::uint8_t>) { ++(tx ? tx_frames : rx_frames); };
    observer.on_garbage = [this](std::uint64_t bytes) { garbage_bytes += bytes; };
    channel.emplace(ChannelContext{stream, observer, stats, last_activity}, endpoint, timeouts);
  }
  bool open() {
    if (!run_coro(io, stream.connect(endpoint.host, endpoint.port, 2s))) return false;
    auto r = run_coro(io, channel->open(timeouts.request));
    if (!r) open_error = r.error();
    return r.has_value();
  }
  bridge::Result<dlms::Bytes, bridge::transport::Error> exchange(const dlms::Bytes& apdu) {
    auto s = run_coro(io, channel->send(apdu, Step::request, timeouts.request));
    if (!s) return bridge::fail(s.error());
    return run_coro(io, channel->receive(Step::request, Clock::now() + timeouts.request, timeouts.request,
                                         bridge::transport::detail::What{"reply to GET"}));
  }

  asio::io_context io;
  MeterEndpoint endpoint;
  Timeouts timeouts;
  std::optional<ScriptedMeter> meter;
  TcpStream stream{io.get_executor()};
  FrameObserver observer;
  ConnectionStats stats;
  Clock::time_point last_activity;
  std::optional<HdlcChannel> channel;
  std::vector<HdlcError> errors;
  int tx_frames = 0;
  int rx_frames = 0;
  std::uint64_t garbage_bytes = 0;
  std::optional<bridge::transport::Error> open_error;
};

TEST(HdlcChannelTest, snrm_then_request_reply_round_trips_with_7e_in_data) {
  Fixture f([](const dlms::Bytes& req) { return answer(reply_for(req)); });
  ASSERT_TRUE(f.open()) << f.open_error->message;
  for (int i = 0; i < 10; ++i) {  // sequence numbers wrap past 7
    auto r = f.exchange(kRequest);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, reply_for(kRequest));
  }
  EXPECT_EQ(f.stats.hdlc_errors, 0u);
  EXPECT_EQ(f.tx_frames, 11);  // SNRM + 10 GET
  EXPECT_EQ(f.rx_frames, 11);
  run_coro(f.io, f.channel->close(1s));
  EXPECT_TRUE(f.meter->saw_disc);
}

TEST(HdlcChannelTest, two_and_four_byte_server_addresses) {
  for (int size : {2, 4}) {
    MeterEndpoint ep;
    ep.server_logical = 1;
    ep.server_physical = size == 2 ? 17 : 3500;
    ep.address_size = size;
    Fixture f([](const dlms::Bytes& req) { return answer(reply_for(req)); }, ep);
    ASSERT_TRUE(f.open()) << size << ": " << f.open_error->message;
    auto r = f.exchange(kRequest);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, reply_for(kRequest));
  }
}

TEST(HdlcChannelTest, garbage_and_a_corrupt_frame_before_the_reply_are_skipped) {
  Fixture f([](const dlms::Bytes& req) {
    Reply r = answer(reply_for(req));
    r.garbage_before = {0x01, 0x02, 0x7E, 0x7E, 0xEB, 0xA3};
    r.corrupt_copy_before = true;
    return r;
  });
  ASSERT_TRUE(f.open());
  for (int i = 0; i < 3; ++i) {
    auto r = f.exchange(kRequest);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, reply_for(kRequest));
  }
  ASSERT_GE(f.errors.size(), 3u);  // at least the corrupt copy each time
  EXPECT_NE(std::find(f.errors.begin(), f.errors.end(), HdlcError::fcs), f.errors.end());
  EXPECT_EQ(f.stats.hdlc_errors, f.errors.size());
}

// Bytes between frames are skipped, not errors, and every one of them is reported as garbage
// (dlms_bridge_meter_hdlc_garbage_bytes_total): a noisy line shows before it breaks a read.
TEST(HdlcChannelTest, bytes_between_frames_are_counted_as_garbage_not_errors) {
  Fixture f([](const dlms::Bytes& req) {
    Reply r = answer(reply_for(req));
    r.garbage_before = {0x01, 0x02, 0x03, 0x04, 0x05};
    return r;
  });
  ASSERT_TRUE(f.open());
  for (int i = 0; i < 3; ++i) {
    const std::uint64_t before = f.garbage_bytes;
    auto r = f.exchange(kRequest);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, reply_for(kRequest));
    EXPECT_EQ(f.garbage_bytes - before, 5u) << "exchange " << i;
  }
  EXPECT_TRUE(f.errors.empty());
  EXPECT_EQ(f.stats.hdlc_errors, 0u);
}

TEST(HdlcChannelTest, a_stale_repeat_of_the_previous_reply_is_discarded) {
  int n = 0;
  Fixture f([&n](const dlms::Bytes& req) {
    Reply r = answer(reply_for(req));
    r.apdu.push_back(static_cast<std::uint8_t>(n++));  // tell replies apart
    r.stale_copy_before = true;
    return r;
  });
  ASSERT_TRUE(f.open());
  for (int i = 0; i < 4; ++i) {
    auto r = f.exchange(kRequest);
    ASSERT_TRUE(r) << i << ": " << r.error().message;
    EXPECT_EQ(r->back(), i) << "got a stale reply";
  }
  EXPECT_EQ(f.stats.stale_discarded, 3u);  // the first reply had nothing to repeat
}

TEST(HdlcChannelTest, a_silent_meter_times_out_at_the_request_deadline) {
  Fixture f([](const dlms::Bytes&) {
    Reply r;
    r.silent = true;
    return r;
  });
  ASSERT_TRUE(f.open());
  const auto start = Clock::now();
  auto r = f.exchange(kRequest);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout);
  EXPECT_EQ(r.error().hdlc, HdlcError::timeout);
  EXPECT_NE(r.error().message.find("reply to GET"), std::string::npos) << r.error().message;
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 10s);
}

TEST(HdlcChannelTest, closing_mid_frame_is_reported_as_such) {
  Fixture f([](const dlms::Bytes& req) {
    Reply r = answer(reply_for(req));
    r.close_mid_frame = true;
    return r;
  });
  ASSERT_TRUE(f.open());
  auto r = f.exchange(kRequest);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::closed);
  EXPECT_NE(r.error().message.find("mid-frame"), std::string::npos) << r.error().message;
}

TEST(HdlcChannelTest, dm_to_snrm_is_busy) {
  Fixture f([](const dlms::Bytes& req) { return answer(reply_for(req)); });
  f.meter->refuse_link = true;
  ASSERT_FALSE(f.open());
  EXPECT_EQ(f.open_error->kind, ErrorKind::busy);
  EXPECT_EQ(f.open_error->hdlc, HdlcError::dm);
  EXPECT_EQ(f.open_error->step, Step::link);
}

TEST(HdlcChannelTest, no_answer_to_snrm_is_a_link_timeout) {
  Fixture f([](const dlms::Bytes& req) { return answer(reply_for(req)); });
  // A meter at another address ignores our SNRM: the classic "wrong server address".
  f.endpoint.server_physical = 5;
  f.channel.emplace(ChannelContext{f.stream, f.observer, f.stats, f.last_activity}, f.endpoint, f.timeouts);
  ASSERT_FALSE(f.open());
  EXPECT_EQ(f.open_error->kind, ErrorKind::timeout);
  EXPECT_EQ(f.open_error->step, Step::link);
  EXPECT_NE(f.open_error->message.find("UA to SNRM"), std::string::npos) << f.open_error->message;
}

}  // namespace
