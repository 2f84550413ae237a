// Load driver for dlms-meter-sim. Starts the real binary (one process, one core's worth of
// work), then from this process:
//   1. opens N TCP connections to the shared fleet port, one per meter, SNRM/UA + AARQ/AARE
//      (public client) on each, and measures the simulator's RSS growth per associated meter;
//   2. runs closed-loop GET (1-1:32.7.0 attribute 2) on C of those connections for D seconds
//      and measures the simulator's CPU time (utime+stime from /proc) per served GET.
// Prints a Markdown table row set. Not a test: no assertions.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "bridge/asio.h"
#include "bridge/open_files.h"
#include "dlms/cosem/association.h"
#include "dlms/cosem/get.h"
#include "dlms/hdlc/frame.h"
#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"
#include "sim/simulator.h"

extern char** environ;

namespace {

namespace asio = boost::asio;
namespace hdlc = dlms::hdlc;
namespace cosem = dlms::cosem;
using asio::ip::tcp;
using Error = boost::system::error_code;

struct SimChild {
  pid_t pid = -1;
  int port = 0;
};

SimChild start_sim(const std::string& binary, std::uint32_t meters) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> args{binary,        "--listen", "127.0.0.1:0", "--meters", std::to_string(meters),
                                "--log-level", "warn"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  SimChild child;
  if (posix_spawn(&child.pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + binary);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(out[0]);
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"( port=(\d+))"))) throw std::runtime_error("no listening line: " + line);
  child.port = std::stoi(m[1]);
  return child;
}

long status_kb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string k;
  long v = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream s(line.substr(key.size() + 1));
      s >> v;
      return v;
    }
  }
  return -1;
}

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto close_paren = text.rfind(')');
  std::istringstream s(text.substr(close_paren + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15; ++i) {
    s >> field;
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

dlms::Bytes frame(std::uint16_t meter, std::uint8_t control, const dlms::Bytes& apdu) {
  hdlc::Frame f;
  f.destination = *hdlc::encode_server_address({1, meter, 4});
  f.source = *hdlc::encode_client_address(16);
  f.control = control;
  if (!apdu.empty()) {
    f.info.assign(hdlc::kLlcRequest.begin(), hdlc::kLlcRequest.end());
    f.info.insert(f.info.end(), apdu.begin(), apdu.end());
  }
  return *hdlc::encode(f);
}

// One meter's connection, driven by a coroutine.
struct Session {
  tcp::socket socket;
  std::uint16_t meter;
  hdlc::FrameDecoder decoder;
  std::array<std::uint8_t, 512> buffer{};
  std::uint8_t vs = 0, vr = 0;

  Session(asio::io_context& io, std::uint16_t m) : socket(io), meter(m) {}

  asio::awaitable<std::optional<hdlc::Frame>> exchange(dlms::Bytes request) {
    Error ec;
    co_await asio::async_write(socket, asio::buffer(request), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::nullopt;
    for (;;) {
      auto r = decoder.next();
      if (auto* f = std::get_if<hdlc::Frame>(&r)) co_return *f;
      if (std::get_if<hdlc::FrameError>(&r)) co_return std::nullopt;
      std::size_t n =
          co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return std::nullopt;
      decoder.feed({buffer.data(), n});
    }
  }
};

asio::awaitable<bool> open_session(Session& s, tcp::endpoint endpoint) {
  Error ec;
  co_await s.socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;
  auto ua = co_await s.exchange(frame(s.meter, hdlc::control::snrm(), {}));
  if (!ua || ua->type() != hdlc::FrameType::ua) co_return false;
  cosem::Aarq aarq;
  aarq.initiate.conformance = cosem::conformance::kProductionProposal;
  auto aare = co_await s.exchange(frame(s.meter, hdlc::control::i_frame(0, 0), *cosem::encode_aarq(aarq)));
  if (!aare) co_return false;
  s.vs = 1;
  s.vr = 1;
  co_return true;
}

asio::awaitable<void> get_loop(Session& s, std::chrono::steady_clock::time_point end, std::uint64_t& served) {
  cosem::GetRequestNormal get;
  get.attribute = {3, *cosem::parse_obis("1-1:32.7.0"), 2, std::nullopt};
  std::uint8_t id = 1;
  while (std::chrono::steady_clock::now() < end) {
    get.invoke = cosem::make_invoke(id++);
    auto reply =
        co_await s.exchange(frame(s.meter, hdlc::control::i_frame(s.vs, s.vr), cosem::encode_get_request(get)));
    if (!reply || reply->type() != hdlc::FrameType::i) co_return;
    s.vs = (s.vs + 1) & 7;
    s.vr = (s.vr + 1) & 7;
    ++served;
  }
}

void rethrow(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dlms-meter-sim load driver: memory per associated meter and CPU per GET"};
  std::uint32_t meters = 10000;
  std::uint32_t get_connections = 64;
  double seconds = 10;
  std::string binary = std::string(DLMS_SIM_BINARY);
  app.add_option("--meters", meters, "Meters (one associated connection each)")->capture_default_str();
  app.add_option("--get-connections", get_connections, "Connections running closed-loop GETs")->capture_default_str();
  app.add_option("--seconds", seconds, "Duration of the GET phase")->capture_default_str();
  app.add_option("--sim", binary, "dlms-meter-sim binary")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  bridge::raise_open_files_limit();
  SimChild child = start_sim(binary, meters);
  usleep(200'000);
  long rss_start = status_kb(child.pid, "VmRSS");

  asio::io_context io(1);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(child.port));
  std::vector<std::unique_ptr<Session>> sessions;
  std::uint32_t opened = 0;
  auto t0 = std::chrono::steady_clock::now();
  // Open in waves so the listen backlog is never the limit.
  constexpr std::uint32_t kWave = 500;
  for (std::uint32_t base = 1; base <= meters; base += kWave) {
    for (std::uint32_t k = base; k < base + kWave && k <= meters; ++k) {
      sessions.push_back(std::make_unique<Session>(io, static_cast<std::uint16_t>(k)));
      asio::co_spawn(io, open_session(*sessions.back(), endpoint), [&](std::exception_ptr e, bool ok) {
        rethrow(e);
        opened += ok ? 1 : 0;
      });
    }
    io.run();
    io.restart();
  }
  double open_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  usleep(300'000);
  long rss_open = status_kb(child.pid, "VmRSS");
  long hwm = status_kb(child.pid, "VmHWM");

  std::uint64_t served = 0;
  double cpu0 = cpu_seconds(child.pid);
  auto g0 = std::chrono::steady_clock::now();
  auto end =
      g0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  for (std::uint32_t i = 0; i < std::min<std::uint32_t>(get_connections, opened); ++i) {
    asio::co_spawn(io, get_loop(*sessions[i], end, served), rethrow);
  }
  io.run();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
  double cpu = cpu_seconds(child.pid) - cpu0;
  long rss_end = status_kb(child.pid, "VmRSS");

  kill(child.pid, SIGTERM);
  int status = 0;
  waitpid(child.pid, &status, 0);

  std::cout << "| metric | value |\n|---|---|\n";
  std::cout << "| meters with an open association | " << opened << " / " << meters << " |\n";
  std::cout << "| time to open them (SNRM/UA + AARQ/AARE each) | " << open_s << " s |\n";
  std::cout << "| simulator RSS before / after | " << rss_start / 1024.0 << " MiB / " << rss_open / 1024.0
            << " MiB |\n";
  std::cout << "| simulator peak RSS (VmHWM) | " << hwm / 1024.0 << " MiB |\n";
  std::cout << "| RSS per associated idle meter | "
            << (rss_open - rss_start) * 1024.0 / std::max<std::uint32_t>(opened, 1) << " bytes |\n";
  std::cout << "| GETs served (" << get_connections << " connections, closed loop) | " << served << " in " << wall
            << " s = " << served / wall << " GET/s |\n";
  std::cout << "| simulator CPU per GET | " << (served ? cpu / static_cast<double>(served) * 1e6 : 0) << " us |\n";
  std::cout << "| max GET/s on one core (1 / CPU per GET) | " << (cpu > 0 ? served / cpu : 0) << " |\n";
  std::cout << "| simulator RSS after the GET phase | " << rss_end / 1024.0 << " MiB |\n";
  std::cout << "| simulator exit status after SIGTERM | " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << " |\n";
  return 0;
}
