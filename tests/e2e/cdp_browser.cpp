#include "cdp_browser.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace e2e {

using nlohmann::json;

namespace {

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

Browser::Browser(const std::filesystem::path& profile_dir, const std::filesystem::path& log_file, int width,
                 int height)
    : log_(log_file) {
  int to[2], from[2];
  if (::pipe(to) != 0 || ::pipe(from) != 0) return;
  std::vector<std::string> args = {"chromium",
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--hide-scrollbars",
                                   "--remote-debugging-pipe",
                                   "--user-data-dir=" + profile_dir.string(),
                                   "--window-size=" + std::to_string(width) + "," + std::to_string(height),
                                   "about:blank"};
  pid_ = ::fork();
  if (pid_ == 0) {
    // Move the pipe ends out of the way first: dup2 onto 3/4 must not clobber one another.
    const int in = ::fcntl(to[0], F_DUPFD, 10), out = ::fcntl(from[1], F_DUPFD, 10);
    ::dup2(in, 3);
    ::dup2(out, 4);
    const int logfd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(logfd, 1);
    ::dup2(logfd, 2);
    for (int fd = 5; fd < 1024; ++fd) ::close(fd);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("chromium", argv.data());
    ::_exit(127);
  }
  ::close(to[0]);
  ::close(from[1]);
  to_browser_ = to[1];
  from_browser_ = from[0];
  if (pid_ < 0) return;
  auto target = call("Target.createTarget", {{"url", "about:blank"}}, false, std::chrono::seconds(30));
  if (!target.contains("targetId")) return;
  auto attached = call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}}, false,
                       std::chrono::seconds(10));
  session_ = attached.value("sessionId", "");
  if (session_.empty()) return;
  call("Page.enable", json::object(), true, std::chrono::seconds(10));
  call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}}, true,
       std::chrono::seconds(10));
}

Browser::~Browser() {
  if (to_browser_ >= 0) ::close(to_browser_);
  if (from_browser_ >= 0) ::close(from_browser_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      ::usleep(50'000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool Browser::read_message(json& out, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (auto nul = buffer_.find('\0'); nul != std::string::npos) {
      out = json::parse(buffer_.substr(0, nul), nullptr, false);
      buffer_.erase(0, nul + 1);
      return !out.is_discarded();
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{from_browser_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    const ssize_t n = ::read(from_browser_, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

json Browser::call(const std::string& method, const json& params, bool in_session, std::chrono::milliseconds timeout) {
  if (to_browser_ < 0) return json::object();
  const int id = next_id_++;
  json msg = {{"id", id}, {"method", method}, {"params", params}};
  if (in_session) msg["sessionId"] = session_;
  write_all(to_browser_, msg.dump() + std::string(1, '\0'));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  json in;
  while (read_message(in, deadline)) {
    if (in.value("id", -1) != id) continue;  // events and other answers
    if (in.contains("error")) return {{"error", in["error"]}};
    return in.value("result", json::object());
  }
  return {{"error", "no answer to " + method}};
}

bool Browser::navigate(const std::string& url, std::chrono::milliseconds timeout) {
  auto r = call("Page.navigate", {{"url", url}}, true, timeout);
  if (r.contains("error") || r.contains("errorText")) return false;
  return wait_for("document.readyState === 'complete'", timeout);
}

json Browser::evaluate(const std::string& expression, std::chrono::milliseconds timeout) {
  auto r = call("Runtime.evaluate", {{"expression", expression}, {"awaitPromise", true}, {"returnByValue", true}}, true,
                timeout);
  if (r.contains("exceptionDetails")) return {{"exception", r["exceptionDetails"].dump()}};
  if (r.contains("error")) return {{"exception", r["error"].dump()}};
  return r.contains("result") ? r["result"].value("value", json(nullptr)) : json(nullptr);
}

bool Browser::wait_for(const std::string& expression, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto v = evaluate("!!(" + expression + ")", std::chrono::seconds(5));
    if (v.is_boolean() && v.get<bool>()) return true;
    ::usleep(100'000);
  }
  return false;
}

std::string Browser::screenshot() {
  auto r = call("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}}, true,
                std::chrono::seconds(30));
  return base64_decode(r.value("data", ""));
}

std::string Browser::log() const {
  std::ifstream in(log_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string base64_decode(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, acc = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) continue;  // padding, line breaks
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace e2e
