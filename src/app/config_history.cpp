#include "config_history.h"

#include "allocator_tuning.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <chrono>

#include "bridge/config/summary.h"
#include "bridge/log.h"

namespace bridge::app {
namespace {

using api::Method;
using api::Request;
using api::Response;
using nlohmann::json;

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

json to_json(const store::ConfigVersion& v, bool with_config) {
  json j = {{"id", v.id},         {"ts", v.ts_ms},   {"sha256", v.sha256},   {"trigger", v.trigger},
            {"actor", v.actor},   {"source", v.source}, {"meters", v.meters}, {"changed", v.changed}};
  if (with_config) {
    json config = json::parse(v.config, nullptr, false);
    j["config"] = config.is_discarded() ? json(v.config) : config;
  }
  return j;
}

}  // namespace

store::ConfigVersion config_version_of(const config::Config& config, std::string trigger, std::string actor) {
  store::ConfigVersion v;
  v.ts_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  // The bytes the loader parsed (never the file again: it may have changed, or block), so an
  // operator can compare it with `sha256sum FILE`.
  v.sha256 = sha256_hex(config.source_text);
  v.trigger = std::move(trigger);
  v.actor = std::move(actor);
  v.source = config.source.string();
  v.meters = static_cast<std::int64_t>(config.meters.size());
  v.config = config::to_redacted_json(config);
  return v;
}

void record_config_version(store::Store& store, const config::Config& config, std::string trigger,
                           std::string actor) {
  auto version = config_version_of(config, std::move(trigger), std::move(actor));
  // The JSON tree behind version.config is gone again but would keep its pages (~20 KB per meter).
  return_free_memory();
  log::info("config version", {{"sha256", version.sha256}, {"trigger", version.trigger}, {"actor", version.actor}});
  // Not waited for: the caller is the event loop; the store's writer logs a failed write.
  (void)store.record_config_version(std::move(version));
}

void register_config_routes(api::HttpServer& http, store::Store& store) {
  http.handle(Method::get, "/api/v1/config/versions", [&store](const Request& req) {
    std::size_t limit = 50;
    if (auto text = req.query_param("limit"); !text.empty()) {
      std::size_t pos = 0;
      unsigned long n = 0;
      try {
        n = std::stoul(text, &pos);
      } catch (const std::exception&) {
        pos = 0;
      }
      if (pos != text.size() || n == 0 || n > 1000) return Response::error(400, "bad limit '" + text + "' (1..1000)");
      limit = n;
    }
    auto versions = store.config_versions(limit);
    if (!versions) return Response::error(500, "config history query failed: " + versions.error().message);
    json list = json::array();
    for (const auto& v : *versions) list.push_back(to_json(v, false));
    return Response::json(200, list);
  });
  http.handle(Method::get, "/api/v1/config/versions/{id}", [&store](const Request& req) {
    const std::string& text = req.params.at("id");
    std::size_t pos = 0;
    long long id = 0;
    try {
      id = std::stoll(text, &pos);
    } catch (const std::exception&) {
      pos = 0;
    }
    if (pos != text.size() || id <= 0) return Response::error(400, "bad config version id '" + text + "'");
    auto versions = store.config_versions(1, id);
    if (!versions) return Response::error(500, "config history query failed: " + versions.error().message);
    if (versions->empty()) return Response::error(404, "no config version " + text);
    return Response::json(200, to_json(versions->front(), true));
  });
}

}  // namespace bridge::app
