#include "ctl_http.h"

#include <curl/curl.h>

#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace bridge::app {
namespace {

using nlohmann::json;

struct HttpResult {
  bool transport_ok = false;
  long status = 0;
  std::string body;
  std::string error;
};

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

HttpResult request(const CtlOptions& o, const std::string& method, const std::string& path, long timeout_s = 130) {
  HttpResult r;
  CURL* curl = curl_easy_init();
  std::string url = o.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
  curl_slist* headers = nullptr;
  if (!o.token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + o.token).c_str());
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    r.transport_ok = true;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.error = curl_easy_strerror(rc);
  }
  if (headers) curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return r;
}

}  // namespace

// Parses the body or reports why not; prints API errors ({"error": ...}) on stderr.
bool ctl_fetch(const CtlOptions& o, const std::string& method, const std::string& path, json& out, bool accept_error_body) {
  auto r = request(o, method, path);
  if (!r.transport_ok) {
    std::cerr << "dlms-bridge ctl: cannot reach " << o.url << ": " << r.error << "\n";
    return false;
  }
  out = json::parse(r.body, nullptr, false);
  if (out.is_discarded()) {
    std::cerr << "dlms-bridge ctl: " << method << " " << path << ": HTTP " << r.status << ", not JSON: " << r.body << "\n";
    return false;
  }
  if (r.status >= 400 && !accept_error_body) {
    std::cerr << "dlms-bridge ctl: " << method << " " << path << ": HTTP " << r.status << ": "
              << (out.contains("error") ? out["error"].get<std::string>() : r.body) << "\n";
    return false;
  }
  return true;
}

std::string ctl_ts_text(const json& v) {
  if (!v.is_number()) return "never";
  std::time_t t = static_cast<std::time_t>(v.get<std::int64_t>() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return s.str();
}

std::string ctl_str(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace bridge::app
