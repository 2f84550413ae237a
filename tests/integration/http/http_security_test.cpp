// TLS (CivetWeb with our SSL_CTX; Debian's CivetWeb loads libssl dynamically), basic auth with
// bcrypt, mTLS, and a real Prometheus scraping through all of it. Certificates are made with
// the openssl CLI in a temp dir.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bridge/api/basic_auth.h"
#include "fixture.h"
#include "testing/process.h"

namespace {

using namespace std::chrono_literals;
using testing_support::run;

struct Certs {
  testing_support::TempDir dir;
  std::string ca_crt = (dir / "ca.crt").string();
  std::string server_crt = (dir / "server.crt").string();
  std::string server_key = (dir / "server.key").string();
  std::string client_crt = (dir / "client.crt").string();
  std::string client_key = (dir / "client.key").string();
  std::string other_key = (dir / "other.key").string();
  std::string stranger_crt = (dir / "stranger.crt").string();  // a client certificate from another CA
  std::string stranger_key = (dir / "stranger.key").string();

  Certs() {
    const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
    auto req = [&](std::vector<std::string> args) {
      std::vector<std::string> argv = {"openssl", "req"};
      argv.insert(argv.end(), ec.begin(), ec.end());
      argv.insert(argv.end(), args.begin(), args.end());
      auto r = run(argv, 30s);
      if (r.exit_code != 0) ADD_FAILURE() << r.err;
    };
    req({"-x509", "-keyout", (dir / "ca.key").string(), "-out", ca_crt, "-subj", "/CN=dlms-bridge test CA", "-days",
         "1"});
    req({"-x509", "-keyout", server_key, "-out", server_crt, "-subj", "/CN=127.0.0.1", "-addext",
         "subjectAltName=IP:127.0.0.1", "-days", "1"});
    req({"-keyout", client_key, "-out", (dir / "client.csr").string(), "-subj", "/CN=prometheus"});
    auto sign = run({"openssl", "x509", "-req", "-in", (dir / "client.csr").string(), "-CA", ca_crt, "-CAkey",
                     (dir / "ca.key").string(), "-CAcreateserial", "-out", client_crt, "-days", "1"},
                    30s);
    if (sign.exit_code != 0) ADD_FAILURE() << sign.err;
    req({"-x509", "-keyout", other_key, "-out", (dir / "other.crt").string(), "-subj", "/CN=other", "-days", "1"});
    req({"-x509", "-keyout", (dir / "other-ca.key").string(), "-out", (dir / "other-ca.crt").string(), "-subj",
         "/CN=some other CA", "-days", "1"});
    req({"-keyout", stranger_key, "-out", (dir / "stranger.csr").string(), "-subj", "/CN=prometheus"});
    auto sign_stranger = run({"openssl", "x509", "-req", "-in", (dir / "stranger.csr").string(), "-CA",
                              (dir / "other-ca.crt").string(), "-CAkey", (dir / "other-ca.key").string(),
                              "-CAcreateserial", "-out", stranger_crt, "-days", "1"},
                             30s);
    if (sign_stranger.exit_code != 0) ADD_FAILURE() << sign_stranger.err;
  }

  bridge::api::TlsServerConfig tls() const {
    bridge::api::TlsServerConfig t;
    t.cert_file = server_crt;
    t.key_file = server_key;
    return t;
  }
};

// HTTP status from curl, or -1 when the request failed (TLS handshake, connection reset ...).
int curl_status(const std::vector<std::string>& extra, const std::string& url) {
  std::vector<std::string> argv = {"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  auto r = run(argv, 20s);
  if (r.exit_code != 0) return -1;
  return std::stoi(r.out);
}

TEST(HttpSecurityTest, tls_serves_https_and_plain_http_to_the_tls_port_fails) {
  Certs certs;
  bridge::api::HttpOptions o;
  o.tls_server_config = certs.tls();
  http_it::MetricsServer s(1, o);
  ASSERT_TRUE(s.server->tls());
  const auto base = "https://127.0.0.1:" + std::to_string(s.server->port());
  EXPECT_EQ(s.server->url(), base);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt}, base + "/-/healthy"), 200);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt}, base + "/metrics"), 200);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "--tls-max", "1.1"}, base + "/-/healthy"), -1);
  EXPECT_EQ(curl_status({}, "http://127.0.0.1:" + std::to_string(s.server->port()) + "/-/healthy"), -1);
  EXPECT_EQ(testing_support::http("GET", s.server->port(), "/-/healthy").status, 0);
}

TEST(HttpSecurityTest, min_version_tls13_refuses_tls12_clients) {
  Certs certs;
  bridge::api::HttpOptions o;
  o.tls_server_config = certs.tls();
  o.tls_server_config->min_version = "TLS13";
  http_it::MetricsServer s(1, o);
  const auto url = s.server->url() + "/-/healthy";
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt}, url), 200);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "--tls-max", "1.2"}, url), -1);
}

TEST(HttpSecurityTest, basic_auth_over_tls_right_200_wrong_401) {
  Certs certs;
  auto hash = bridge::api::bcrypt_hash("s3cret", 10);  // the production cost: cache makes repeats cheap
  ASSERT_TRUE(hash);
  bridge::api::HttpOptions o;
  o.tls_server_config = certs.tls();
  o.basic_auth_users = {{"prometheus", *hash}};
  http_it::MetricsServer s(1, o);
  const auto url = s.server->url() + "/metrics";
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "-u", "prometheus:s3cret"}, url), 200);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "-u", "prometheus:s3cret"}, url), 200);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "-u", "prometheus:wrong"}, url), 401);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "-u", "nobody:s3cret"}, url), 401);
  auto r = run({"curl", "-sS", "-D", "-", "-o", "/dev/null", "--cacert", certs.server_crt, url}, 20s);
  EXPECT_NE(r.out.find("401"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("WWW-Authenticate: Basic realm=\"dlms-bridge\""), std::string::npos) << r.out;
}

TEST(HttpSecurityTest, mtls_requires_a_client_certificate_from_the_ca) {
  Certs certs;
  bridge::api::HttpOptions o;
  o.tls_server_config = certs.tls();
  o.tls_server_config->client_ca_file = certs.ca_crt;
  o.tls_server_config->client_auth_type = "RequireAndVerifyClientCert";
  http_it::MetricsServer s(1, o);
  const auto url = s.server->url() + "/-/healthy";
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "--cert", certs.client_crt, "--key", certs.client_key}, url),
            200);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt}, url), -1);
  EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "--cert", certs.stranger_crt, "--key", certs.stranger_key}, url),
            -1);
}

// Every client_auth_type against no certificate, one from the configured CA, and one from
// another CA (same subject): 200 when the handshake is accepted, -1 when it is refused.
TEST(HttpSecurityTest, each_client_auth_type_accepts_and_refuses_exactly_its_certificates) {
  Certs certs;
  struct Case {
    std::string type;
    int none, from_ca, from_other_ca;
  };
  const std::vector<Case> cases = {
      {"NoClientCert", 200, 200, 200},
      {"RequestClientCert", 200, 200, 200},
      {"RequireAnyClientCert", -1, 200, 200},
      {"VerifyClientCertIfGiven", 200, 200, -1},
      {"RequireAndVerifyClientCert", -1, 200, -1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type);
    bridge::api::HttpOptions o;
    o.tls_server_config = certs.tls();
    o.tls_server_config->client_ca_file = certs.ca_crt;
    o.tls_server_config->client_auth_type = c.type;
    http_it::MetricsServer s(1, o);
    const auto url = s.server->url() + "/-/healthy";
    EXPECT_EQ(curl_status({"--cacert", certs.server_crt}, url), c.none);
    EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "--cert", certs.client_crt, "--key", certs.client_key}, url),
              c.from_ca);
    EXPECT_EQ(curl_status({"--cacert", certs.server_crt, "--cert", certs.stranger_crt, "--key", certs.stranger_key},
                          url),
              c.from_other_ca);
  }
}

TEST(HttpSecurityTest, a_key_that_does_not_match_the_certificate_is_a_tls_start_error) {
  Certs certs;
  bridge::api::HttpOptions o;
  o.listen = "127.0.0.1:0";
  o.tls_server_config = certs.tls();
  o.tls_server_config->key_file = certs.other_key;
  auto r = bridge::api::HttpServer::start(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, bridge::api::HttpError::Code::tls);
  EXPECT_NE(r.error().message.find("key_file"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("mismatch"), std::string::npos) << r.error().message;
}

TEST(HttpSecurityTest, prometheus_scrapes_through_tls_and_basic_auth) {
  Certs certs;
  auto hash = bridge::api::bcrypt_hash("s3cret", 10);
  ASSERT_TRUE(hash);
  bridge::api::HttpOptions o;
  o.tls_server_config = certs.tls();
  o.basic_auth_users = {{"prometheus", *hash}};
  http_it::MetricsServer s(2, o);

  testing_support::TempDir dir;
  const int port = testing_support::free_port();
  testing_support::write_file(dir / "prometheus.yml",
                              "global:\n  scrape_interval: 1s\n"
                              "scrape_configs:\n  - job_name: dlms-bridge\n    scheme: https\n"
                              "    tls_config:\n      ca_file: " +
                                  certs.server_crt +
                                  "\n    basic_auth:\n      username: prometheus\n      password: s3cret\n"
                                  "    static_configs:\n      - targets: ['127.0.0.1:" +
                                  std::to_string(s.server->port()) + "']\n");
  testing_support::Child prom({"prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port),
                               "--storage.tsdb.path=" + (dir / "data").string()},
                              dir / "prometheus.log");
  ASSERT_TRUE(testing_support::wait_for_port(port, 30s)) << prom.log();
  auto query = [&](const std::string& q) {
    auto r = testing_support::http("GET", port, "/api/v1/query?query=" + testing_support::url_encode(q), {}, {}, 5s);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_discarded() ? nlohmann::json::array() : j["data"]["result"];
  };
  ASSERT_TRUE(testing_support::wait_until([&] { return query("dlms_bridge_meter_up").size() == 2; }, 60s))
      << prom.log();
  auto up = query("up{job=\"dlms-bridge\"}");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0]["value"][1], "1");
}

}  // namespace
