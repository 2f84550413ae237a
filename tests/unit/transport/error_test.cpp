// errno -> ErrorKind -> poll-failure label: the classification the poller's metrics rely on.
#include <gtest/gtest.h>

#include <set>

#include <boost/asio/error.hpp>

#include "bridge/transport/error.h"

namespace {

using bridge::labels::PollFailure;
using bridge::transport::classify_connect_error;
using bridge::transport::classify_io_error;
using bridge::transport::Error;
using bridge::transport::ErrorKind;
using bridge::transport::make_error;
using bridge::transport::Step;
namespace error = boost::asio::error;

TEST(ErrorClassificationTest, connect_errno_maps_to_refused_unreachable_timeout) {
  EXPECT_EQ(classify_connect_error(error::connection_refused), ErrorKind::refused);
  EXPECT_EQ(classify_connect_error(error::host_unreachable), ErrorKind::unreachable);
  EXPECT_EQ(classify_connect_error(error::network_unreachable), ErrorKind::unreachable);
  EXPECT_EQ(classify_connect_error(error::network_down), ErrorKind::unreachable);
  EXPECT_EQ(classify_connect_error(error::host_not_found), ErrorKind::unreachable);
  EXPECT_EQ(classify_connect_error(error::timed_out), ErrorKind::timeout);
  EXPECT_EQ(classify_connect_error(error::operation_aborted), ErrorKind::cancelled);
  EXPECT_EQ(classify_connect_error(error::connection_reset), ErrorKind::closed);
}

TEST(ErrorClassificationTest, io_errno_maps_to_closed_unless_route_lost) {
  EXPECT_EQ(classify_io_error(error::eof), ErrorKind::closed);
  EXPECT_EQ(classify_io_error(error::connection_reset), ErrorKind::closed);
  EXPECT_EQ(classify_io_error(error::broken_pipe), ErrorKind::closed);
  EXPECT_EQ(classify_io_error(error::host_unreachable), ErrorKind::unreachable);
  EXPECT_EQ(classify_io_error(error::timed_out), ErrorKind::timeout);
  EXPECT_EQ(classify_io_error(error::operation_aborted), ErrorKind::cancelled);
}

TEST(ErrorClassificationTest, connect_timeout_counts_as_unreachable_request_timeout_as_timeout) {
  Error connect_timeout = make_error(ErrorKind::timeout, Step::connect);
  Error request_timeout = make_error(ErrorKind::timeout, Step::request);
  EXPECT_EQ(to_poll_failure(connect_timeout), PollFailure::unreachable);
  EXPECT_EQ(to_poll_failure(request_timeout), PollFailure::timeout);
}

TEST(ErrorClassificationTest, every_kind_has_a_distinct_label_and_a_poll_failure) {
  std::set<std::string_view> seen;
  for (auto kind : {ErrorKind::refused, ErrorKind::unreachable, ErrorKind::timeout, ErrorKind::closed,
                    ErrorKind::protocol, ErrorKind::association_rejected, ErrorKind::access_denied, ErrorKind::busy,
                    ErrorKind::cancelled, ErrorKind::invalid_argument}) {
    EXPECT_TRUE(seen.insert(to_label(kind)).second) << to_label(kind);
  }
  EXPECT_EQ(to_poll_failure(make_error(ErrorKind::association_rejected, Step::request)), PollFailure::association_rejected);
  EXPECT_EQ(to_poll_failure(make_error(ErrorKind::busy, Step::request)), PollFailure::busy);
  EXPECT_EQ(to_poll_failure(make_error(ErrorKind::closed, Step::request)), PollFailure::closed);
  EXPECT_EQ(to_poll_failure(make_error(ErrorKind::access_denied, Step::request)), PollFailure::access_denied);
}

TEST(ErrorClassificationTest, only_access_errors_keep_the_connection) {
  EXPECT_FALSE(make_error(ErrorKind::access_denied, Step::request).fatal());
  EXPECT_TRUE(make_error(ErrorKind::timeout, Step::request).fatal());
  EXPECT_TRUE(make_error(ErrorKind::protocol, Step::request).fatal());
}

}  // namespace
