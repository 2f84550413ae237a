// `dlms-bridge run` whose HTTP port is taken names the address and the reason and exits 1
// (it used to print CivetWeb's "null context when constructing CivetServer").
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "testing/process.h"

namespace {

using namespace std::chrono_literals;

TEST(ListenConflictTest, a_taken_http_port_is_named_and_exits_1) {
  // Hold a listening socket on a free loopback port.
  const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(holder, 4), 0);
  socklen_t len = sizeof a;
  ::getsockname(holder, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string address = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));

  testing_support::TempDir dir;
  testing_support::write_file(dir / "bridge.toml",
                              "[bridge]\nstate_dir = \"" + dir.path().string() + "\"\n[http]\nlisten = \"" + address +
                                  "\"\n[mqtt]\nenabled = false\n[[meter]]\nid = \"m1\"\nhost = \"127.0.0.1\"\nport = 9\n");
  auto r = testing_support::run({testing_support::bin("dlms-bridge"), "run", "--config", (dir / "bridge.toml").string()},
                                30s);
  ::close(holder);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("dlms-bridge: cannot start the HTTP server: " + address + " is already in use"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("null context"), std::string::npos) << r.err;
}

}  // namespace
