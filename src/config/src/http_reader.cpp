// [http]: listen address, auth (token, basic-auth users as bcrypt hashes), TLS with client
// certificates, the series budget (family allow/deny patterns) and the connection limits that
// keep the server from going blind. Private to the loader (readers.h).
#include <regex>

#include "readers.h"

namespace bridge::config::detail {
namespace {

// Family-name patterns of the series budget: each a non-empty regular expression.
void read_metric_patterns(TableReader& r, std::string_view key, std::vector<std::string>& out) {
  const toml::array* list = r.array(key);
  if (list == nullptr) return;
  for (const auto& item : *list) {
    const auto* text = item.as_string();
    if (text == nullptr || text->get().empty()) {
      r.problem_at(item, key, "each pattern must be a non-empty string");
      continue;
    }
    try {
      std::regex compiled(text->get(), std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      r.problem_at(item, key, "\"" + text->get() + "\" is not a regular expression: " + e.what());
      continue;
    }
    out.push_back(text->get());
  }
}

}  // namespace

void read_http(TableReader& r, HttpConfig& h) {
  r.endpoint("listen", h.listen);
  r.duration("status_window", h.status_window, DurationRule::positive);
  r.secret("token", "token_file", h.token);
  r.boolean("healthy_without_auth", h.healthy_without_auth);
  r.boolean("readings_enabled", h.readings_enabled);
  r.boolean("per_meter_breakdown", h.per_meter_breakdown);
  for (auto [key, list] : {std::pair{"metric_allowlist", &h.metric_allowlist}, {"metric_denylist", &h.metric_denylist}}) {
    read_metric_patterns(r, key, *list);
  }
  if (!h.metric_allowlist.empty() && !h.metric_denylist.empty()) {
    r.problem("metric_denylist", "set metric_allowlist or metric_denylist, not both");
  }
  r.integer("max_connections", h.max_connections, 1, 8192);
  r.duration("read_header_timeout", h.read_header_timeout, DurationRule::positive);
  r.duration("idle_timeout", h.idle_timeout, DurationRule::positive);
  if (const toml::table* t = r.table("tls_server_config")) {
    TableReader tr(*t, "[http.tls_server_config]", r.diag(), r.base_dir());
    TlsServerConfig tls;
    for (std::string_view key : {"cert_file", "key_file"}) {
      if (!tr.has(key)) tr.problem(key, "is required for TLS");
    }
    tr.file_path("cert_file", tls.cert_file, true);
    tr.file_path("key_file", tls.key_file, true);
    tr.enumeration("client_auth_type", tls.client_auth_type,
                   {{"NoClientCert", ClientAuthType::NoClientCert},
                    {"RequestClientCert", ClientAuthType::RequestClientCert},
                    {"RequireAnyClientCert", ClientAuthType::RequireAnyClientCert},
                    {"VerifyClientCertIfGiven", ClientAuthType::VerifyClientCertIfGiven},
                    {"RequireAndVerifyClientCert", ClientAuthType::RequireAndVerifyClientCert}});
    tr.file_path("client_ca_file", tls.client_ca_file, true);
    const bool verifies = tls.client_auth_type == ClientAuthType::VerifyClientCertIfGiven ||
                          tls.client_auth_type == ClientAuthType::RequireAndVerifyClientCert;
    if (verifies && !tr.has("client_ca_file")) {
      tr.problem("client_auth_type", std::string(to_string(tls.client_auth_type)) + " needs client_ca_file");
    }
    tr.enumeration("min_version", tls.min_version, {{"TLS12", TlsVersion::TLS12}, {"TLS13", TlsVersion::TLS13}});
    tr.finish();
    h.tls_server_config = tls;
  }
  if (const toml::table* t = r.table("basic_auth_users")) {
    for (auto&& [user_key, value] : *t) {
      const std::string user(user_key.str());
      if (user.empty() || user.find(':') != std::string::npos) {
        r.diag().add(user_key.source(),
                     "user name " + in_quotes(user) + " in [http.basic_auth_users] must be non-empty and without ':'");
        continue;
      }
      const auto* s = value.as_string();
      const bool bcrypt =
          s != nullptr && s->get().size() > 4 && s->get()[0] == '$' && s->get()[1] == '2' && s->get()[3] == '$';
      if (!bcrypt) {
        // Never echo the value: it may be a clear-text password pasted by mistake.
        r.diag().add(value.source(),
                     in_quotes(user) +
                         " in [http.basic_auth_users]: expected a bcrypt hash "
                         "(\"$2y$...\", e.g. from htpasswd -nbB), not " +
                         (s != nullptr ? std::string("a plain string") : std::string(detail::type_name(value))));
        continue;
      }
      h.basic_auth_users.emplace(user, Secret(s->get()));
    }
  }
  r.finish();
}

}  // namespace bridge::config::detail
