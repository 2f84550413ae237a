#pragma once
// Test support: run programs, start background servers, find free loopback ports, temp dirs.
// Every wait has a timeout; every child is killed when its guard goes out of scope.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace testing_support {

using namespace std::chrono_literals;

struct RunResult {
  int exit_code = -1;   // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string out;      // stdout
  std::string err;      // stderr
};

// Runs argv[0] (a path, or a name looked up in PATH) to completion, with optional stdin text.
RunResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 30s,
              const std::string& stdin_text = {}, const std::map<std::string, std::string>& env = {});

// A background child process. stdout+stderr go to a log file that tests may read (and that is
// printed on failure by the caller with log()).
class Child {
 public:
  Child() = default;
  Child(const std::vector<std::string>& argv, const std::filesystem::path& log_file,
        const std::map<std::string, std::string>& env = {});
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  ~Child();

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `sig` and waits up to `timeout` for exit; escalates to SIGKILL. Returns the exit code
  // (or 128+signal).
  int stop(int sig = 15, std::chrono::milliseconds timeout = 10s);
  void kill_hard();  // SIGKILL, no cleanup: crash simulation
  int signal(int sig);
  // Waits for exit up to timeout; returns exit code or -1 if still running.
  int wait(std::chrono::milliseconds timeout);
  std::string log() const;
  const std::filesystem::path& log_path() const { return log_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::filesystem::path log_;
};

// A fresh directory under /tmp, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (query values for Prometheus).
std::string url_encode(const std::string& text);

// A TCP port on 127.0.0.1 that was free a moment ago: random, below the kernel's ephemeral
// range (so no outgoing connection takes it before the test's server binds), never the same
// twice in one process.
int free_port();
// A free port whose next count - 1 ports are free too, for instances that listen on port + index
// (sharded bridges with shard_port_offset). Still a snapshot, like free_port().
int free_port_run(int count);
// True once something accepts TCP connections on 127.0.0.1:port, false after timeout.
bool wait_for_port(int port, std::chrono::milliseconds timeout = 10s);
// Polls `condition` every 20 ms until true or timeout.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

// Path of a project binary in build/bin (e.g. bin("dlms-bridge")), or in $DLMS_BRIDGE_BIN_DIR when
// that is set (the sanitizer run of the e2e suite).
std::string bin(const std::string& name);
// Path inside the source tree.
std::string source(const std::string& relative);

// Minimal HTTP/1.1 client for tests against loopback servers (GET/POST, no TLS).
struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};
HttpResponse http(const std::string& method, int port, const std::string& target, const std::string& body = {},
                  const std::map<std::string, std::string>& headers = {}, std::chrono::milliseconds timeout = 10s);

}  // namespace testing_support
