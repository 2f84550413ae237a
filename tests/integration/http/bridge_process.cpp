#include "bridge_process.h"

#include <gtest/gtest.h>

#include "bridge/api/basic_auth.h"
#include "testing/raw_http.h"

namespace http_it {

using namespace std::chrono_literals;

BridgeProcess::BridgeProcess(BridgeOptions options) : options_(std::move(options)) {
  port_ = testing_support::free_port();
  std::string http = "[http]\nlisten = \"127.0.0.1:" + std::to_string(port_) + "\"\n" + options_.extra_http + "\n";
  if (options_.tls) {
    const auto key = (dir_ / "server.key").string();
    const auto crt = (dir_ / "server.crt").string();
    auto r = testing_support::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                   "-nodes", "-keyout", key, "-out", crt, "-subj", "/CN=127.0.0.1", "-days", "1"},
                                  30s);
    if (r.exit_code != 0) ADD_FAILURE() << r.err;
    http += "[http.tls_server_config]\ncert_file = \"" + crt + "\"\nkey_file = \"" + key + "\"\n";
  }
  if (options_.basic_auth) {
    auto hash = bridge::api::bcrypt_hash("s3cret", 5);  // low cost: tests only
    if (!hash) ADD_FAILURE() << "bcrypt_hash failed";
    http += "[http.basic_auth_users]\nprometheus = \"" + hash.value_or("") + "\"\n";
  }
  const std::string config = "[bridge]\nstate_dir = \"" + dir_.path().string() + "\"\n" + http +
                             "[mqtt]\nenabled = false\n"
                             "[qos]\npoll_interval = \"5s\"\nrequest_timeout = \"1s\"\n"
                             "[[meter]]\nid = \"m1\"\nhost = \"127.0.0.1\"\nport = 9\n"
                             "[[meter]]\nid = \"m2\"\nhost = \"127.0.0.1\"\nport = 9\n";
  testing_support::write_file(dir_ / "bridge.toml", config);
  child_ = std::make_unique<testing_support::Child>(
      std::vector<std::string>{testing_support::bin("dlms-bridge"), "run", "--config", (dir_ / "bridge.toml").string()},
      dir_ / "bridge.log");
  const bool up = testing_support::wait_until(
      [&] {
        auto a = testing_support::raw_exchange(port_, options_.tls,
                                               testing_support::request_bytes("GET", "/-/healthy"), 2s);
        return a && a->status == 200;
      },
      20s);
  if (!up) ADD_FAILURE() << "dlms-bridge did not come up:\n" << config << "\n" << log();
}

BridgeProcess::~BridgeProcess() {
  if (child_) child_->stop();
}

std::string BridgeProcess::auth_header() const {
  // base64("prometheus:s3cret")
  return options_.basic_auth ? "Authorization: Basic cHJvbWV0aGV1czpzM2NyZXQ=\r\n" : "";
}

}  // namespace http_it
