#include "mqtt_test_support.h"

#include <arpa/inet.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <stdexcept>

namespace mqtt_testing {

using namespace std::chrono_literals;
namespace ts = testing_support;

namespace {
std::string current_user() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : "root";
}
}  // namespace

// ---------------------------------------------------------------------------------------------
MosquittoBroker::MosquittoBroker(std::filesystem::path dir, std::string extra_config, int port)
    : dir_(std::move(dir)), extra_(std::move(extra_config)), port_(port == 0 ? ts::free_port() : port) {}

MosquittoBroker::~MosquittoBroker() {
  if (child_.pid() > 0) child_.stop(15, 5s);
}

void MosquittoBroker::start() {
  std::filesystem::create_directories(dir_);
  const auto conf = dir_ / "mosquitto.conf";
  ts::write_file(conf, "listener " + std::to_string(port_) + " 127.0.0.1\n" +
                           "persistence true\npersistence_location " + dir_.string() + "/\n" +
                           "autosave_interval 0\nmax_queued_messages 0\nmax_inflight_messages 0\n" +
                           "log_type error\nlog_type warning\nlog_type notice\n" +
                           // Started as root, mosquitto drops to user "mosquitto", which cannot read the
                           // test's 0700 temp dir (password file, certificates, persistence).
                           "user " + current_user() + "\n" + extra_);
  child_ = ts::Child({"/usr/sbin/mosquitto", "-c", conf.string()}, dir_ / "mosquitto.log");
  if (!ts::wait_for_port(port_, 10s)) throw std::runtime_error("mosquitto did not start:\n" + child_.log());
}

void MosquittoBroker::stop() {
  if (child_.pid() > 0) child_.stop(15, 10s);
}

void MosquittoBroker::kill() {
  if (child_.pid() > 0) {
    child_.kill_hard();
    child_.wait(5s);
  }
}

bool MosquittoBroker::running() { return child_.pid() > 0 && child_.running(); }

std::string MosquittoBroker::log() const { return ts::read_file(dir_ / "mosquitto.log"); }

// ---------------------------------------------------------------------------------------------
Subscriber::Subscriber(int port, std::string client_id, std::string topic) : topic_(std::move(topic)) {
  mosquitto_lib_init();
  mosq_ = mosquitto_new(client_id.c_str(), /*clean_session=*/false, this);
  if (mosq_ == nullptr) throw std::runtime_error("mosquitto_new failed");
  mosquitto_connect_callback_set(mosq_, &Subscriber::on_connect);
  mosquitto_subscribe_callback_set(mosq_, &Subscriber::on_subscribe);
  mosquitto_message_callback_set(mosq_, &Subscriber::on_message);
  mosquitto_reconnect_delay_set(mosq_, 1, 1, false);
  if (mosquitto_connect_async(mosq_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS) {
    // Not fatal: the loop keeps retrying.
  }
  mosquitto_loop_start(mosq_);
}

Subscriber::~Subscriber() {
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, true);
  mosquitto_destroy(mosq_);
}

void Subscriber::on_connect(struct mosquitto* m, void* self, int rc) {
  auto* s = static_cast<Subscriber*>(self);
  if (rc == 0) mosquitto_subscribe(m, nullptr, s->topic_.c_str(), 1);
}

void Subscriber::on_subscribe(struct mosquitto*, void* self, int, int, const int*) {
  auto* s = static_cast<Subscriber*>(self);
  std::lock_guard lock(s->mutex_);
  s->subscribed_ = true;
  s->cv_.notify_all();
}

void Subscriber::on_message(struct mosquitto*, void* self, const struct mosquitto_message* msg) {
  auto* s = static_cast<Subscriber*>(self);
  Received r;
  r.topic = msg->topic;
  r.payload.assign(static_cast<const char*>(msg->payload), static_cast<std::size_t>(msg->payloadlen));
  std::lock_guard lock(s->mutex_);
  s->messages_.push_back(std::move(r));
  s->cv_.notify_all();
}

bool Subscriber::wait_subscribed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return subscribed_; });
}

std::vector<Received> Subscriber::messages() {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::size_t Subscriber::count() {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

bool Subscriber::wait_for(const std::function<bool(const std::vector<Received>&)>& pred,
                          std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return pred(messages_); });
}

// ---------------------------------------------------------------------------------------------
namespace {

bool read_exact(int fd, std::uint8_t* buf, std::size_t n, int wake_fd) {
  std::size_t got = 0;
  while (got < n) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    if (::poll(fds, 2, 10000) <= 0) return false;  // every wait is bounded
    if (fds[1].revents != 0) return false;
    const ssize_t r = ::read(fd, buf + got, n - got);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

void write_all(int fd, const std::vector<std::uint8_t>& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (w <= 0) return;
    off += static_cast<std::size_t>(w);
  }
}

}  // namespace

FakeBroker::FakeBroker(Policy policy, std::chrono::milliseconds puback_delay)
    : policy_(std::move(policy)), puback_delay_(puback_delay) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 4) != 0) {
    throw std::runtime_error("fake broker: bind/listen failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (::pipe(wake_) != 0) throw std::runtime_error("pipe");
  thread_ = std::thread([this] { run(); });
}

FakeBroker::~FakeBroker() {
  char c = 'x';
  (void)!::write(wake_[1], &c, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

int FakeBroker::connections() {
  std::lock_guard lock(mutex_);
  return connections_;
}

std::vector<FakeBroker::Publish> FakeBroker::publishes() {
  std::lock_guard lock(mutex_);
  return publishes_;
}

std::vector<FakeBroker::Publish> FakeBroker::acknowledged() {
  std::lock_guard lock(mutex_);
  return acknowledged_;
}

bool FakeBroker::wait_for(const std::function<bool(const std::vector<Publish>&)>& pred,
                          std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return pred(publishes_); });
}

void FakeBroker::run() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, 1000) < 0) return;
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    int connection;
    {
      std::lock_guard lock(mutex_);
      connection = ++connections_;
      cv_.notify_all();
    }
    const bool keep_running = serve(fd, connection);
    ::close(fd);
    if (!keep_running) return;
  }
}

// One connection, one packet at a time. Returns false when the broker is being destroyed.
bool FakeBroker::serve(int fd, int connection) {
  using Clock = std::chrono::steady_clock;
  std::deque<std::pair<Clock::time_point, Publish>> delayed;  // PUBACKs not yet due, oldest first
  auto send_puback = [&](const Publish& p) {
    write_all(fd, {0x40, 0x02, static_cast<std::uint8_t>(p.mid >> 8), static_cast<std::uint8_t>(p.mid & 0xff)});
    std::lock_guard lock(mutex_);
    acknowledged_.push_back(p);
    cv_.notify_all();
  };
  while (true) {
    // Send the delayed PUBACKs that are due; wait for the next packet no longer than the next one.
    while (!delayed.empty()) {
      const auto now = Clock::now();
      while (!delayed.empty() && delayed.front().first <= now) {
        send_puback(delayed.front().second);
        delayed.pop_front();
      }
      if (delayed.empty()) break;
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(delayed.front().first - now).count() + 1;
      pollfd fds[2] = {{fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (::poll(fds, 2, static_cast<int>(wait)) != 0) break;  // a packet, hang-up or shutdown
    }
    std::uint8_t header = 0;
    if (!read_exact(fd, &header, 1, wake_[0])) {
      pollfd p{wake_[0], POLLIN, 0};
      return ::poll(&p, 1, 0) == 0;
    }
    std::uint32_t remaining = 0;
    int shift = 0;
    for (int i = 0; i < 4; ++i) {
      std::uint8_t b = 0;
      if (!read_exact(fd, &b, 1, wake_[0])) return true;
      remaining |= static_cast<std::uint32_t>(b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) == 0) break;
    }
    std::vector<std::uint8_t> body(remaining);
    if (remaining > 0 && !read_exact(fd, body.data(), remaining, wake_[0])) return true;
    const int type = header >> 4;
    if (type == 1) {  // CONNECT
      write_all(fd, {0x20, 0x02, 0x00, 0x00});
    } else if (type == 12) {  // PINGREQ
      write_all(fd, {0xd0, 0x00});
    } else if (type == 14) {  // DISCONNECT
      return true;
    } else if (type == 3) {  // PUBLISH
      Publish p;
      p.connection = connection;
      p.dup = (header & 0x08) != 0;
      p.qos = (header >> 1) & 0x03;
      std::size_t pos = 0;
      const std::size_t topic_len = (static_cast<std::size_t>(body[0]) << 8) | body[1];
      pos = 2;
      p.topic.assign(reinterpret_cast<const char*>(body.data() + pos), topic_len);
      pos += topic_len;
      if (p.qos > 0) {
        p.mid = (body[pos] << 8) | body[pos + 1];
        pos += 2;
      }
      p.payload.assign(reinterpret_cast<const char*>(body.data() + pos), body.size() - pos);
      const Action action = policy_(p);
      {
        std::lock_guard lock(mutex_);
        publishes_.push_back(p);
        cv_.notify_all();
      }
      if (action == Action::drop) return true;
      if (action == Action::puback && p.qos == 1) send_puback(p);
      if (action == Action::delayed_puback && p.qos == 1) delayed.emplace_back(Clock::now() + puback_delay_, p);
    }
  }
}

// ---------------------------------------------------------------------------------------------
Cert make_self_signed_cert(const std::filesystem::path& dir, const std::string& name) {
  Cert c{dir / (name + ".crt"), dir / (name + ".key")};
  const auto r = ts::run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", c.key.string(),
                          "-out", c.cert.string(), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                          "subjectAltName=IP:127.0.0.1"},
                         60s);
  if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.err);
  return c;
}

}  // namespace mqtt_testing
