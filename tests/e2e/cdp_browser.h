#pragma once
// Headless chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: we
// write NUL-terminated JSON commands to its fd 3 and read answers from its fd 4), so a test can
// click, read the live DOM and take screenshots without a WebSocket library or a webdriver.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace e2e {

class Browser {
 public:
  // Starts chromium with a fresh profile; `ok()` is false when it could not be started.
  Browser(const std::filesystem::path& profile_dir, const std::filesystem::path& log_file, int width = 1500,
          int height = 950);
  ~Browser();
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  bool ok() const { return pid_ > 0 && !session_.empty(); }
  // Navigates the page and waits for its load event.
  bool navigate(const std::string& url, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Runs a JavaScript expression in the page (promises awaited); its value as JSON, or
  // {"exception": text} when it threw.
  nlohmann::json evaluate(const std::string& expression, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Polls `expression` until it is truthy.
  bool wait_for(const std::string& expression, std::chrono::milliseconds timeout);
  // PNG bytes of the whole page.
  std::string screenshot();
  std::string log() const;

 private:
  nlohmann::json call(const std::string& method, const nlohmann::json& params, bool in_session,
                      std::chrono::milliseconds timeout);
  bool read_message(nlohmann::json& out, std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int to_browser_ = -1;
  int from_browser_ = -1;
  int next_id_ = 1;
  std::string buffer_;
  std::string session_;
  std::filesystem::path log_;
};

// Standard base64 (what Page.captureScreenshot returns).
std::string base64_decode(const std::string& text);

}  // namespace e2e
