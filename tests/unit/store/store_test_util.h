#pragma once
// Helpers shared by the store tests.
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <functional>
#include <string>

#include "bridge/result.h"
#include "bridge/store/store.h"

namespace bridge::store::test {

inline StoreOptions fast_options() {
  StoreOptions o;
  o.busy_timeout = std::chrono::milliseconds(2000);
  return o;
}

inline std::unique_ptr<Store> open_ok(const std::filesystem::path& path, StoreOptions options = fast_options()) {
  auto s = Store::open(path, std::move(options));
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? std::move(*s) : nullptr;
}

// Bounded wait on a store future (never hangs the suite).
template <class T>
T get(std::future<T> f) {
  EXPECT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  return f.get();
}

// A raw SQLite connection for checks outside the Store API.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  int exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
  std::int64_t scalar(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    std::int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    std::string v;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
      v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Runs fn in a forked child that has dropped to the unprivileged user "nobody" (when started as
// root; otherwise it already is unprivileged) and returns the text fn returned, or why the child
// could not run it. Permission checks then apply even when the suite runs as root (CI).
inline Result<std::string, std::string> in_unprivileged_child(const std::function<std::string()>& fn) {
  int fds[2];
  if (::pipe(fds) != 0) return fail(std::string("pipe failed"));
  const pid_t pid = ::fork();
  if (pid < 0) return fail(std::string("fork failed"));
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("nobody");
      if (pw == nullptr || ::setgroups(0, nullptr) != 0 || ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0) {
        out = "!could not drop to user nobody";
      }
    }
    if (out.empty()) out = fn();
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return fail("child died: status " + std::to_string(status));
  if (out.rfind("!", 0) == 0) return fail(out.substr(1));
  return out;
}

}  // namespace bridge::store::test
