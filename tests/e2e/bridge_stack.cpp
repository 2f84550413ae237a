#include "bridge_stack.h"

#include <signal.h>

#include <sstream>
#include <stdexcept>

namespace e2e {

using namespace std::chrono_literals;
using testing_support::bin;
using testing_support::Child;

std::map<std::string, std::string> parse_listening_line(const std::string& log) {
  std::map<std::string, std::string> out;
  auto pos = log.find("listening ");
  if (pos == std::string::npos) return out;
  auto end = log.find('\n', pos);
  std::istringstream line(log.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
  std::string token;
  while (line >> token) {
    auto eq = token.find('=');
    if (eq != std::string::npos) out[token.substr(0, eq)] = token.substr(eq + 1);
  }
  return out;
}

BridgeStack::BridgeStack(StackOptions options) : options_(std::move(options)) {
  config_path_ = dir_ / "bridge.toml";
  http_port_ = testing_support::free_port_run(options_.http_ports);
  if (options_.mqtt) {
    mqtt_port_ = testing_support::free_port();
    std::string persistence = "persistence false\n";
    if (options_.broker_persistence) {
      // Started as root, mosquitto drops to its own user, which must be able to write there and
      // to reach it: the test's 0700 directory stopped it, so it could not save its queue at a
      // broker stop ("unable to remove mosquitto.db.new: Permission denied") and the messages it
      // had acknowledged but not yet delivered to the subscriber were lost (a CI failure).
      const auto data = dir_ / "mosquitto-data";
      std::filesystem::create_directories(data);
      std::filesystem::permissions(data, std::filesystem::perms::all);
      std::filesystem::permissions(dir(), std::filesystem::perms::others_exec, std::filesystem::perm_options::add);
      persistence = "persistence true\npersistence_location " + data.string() + "/\nmax_queued_messages 0\n";
    }
    testing_support::write_file(dir_ / "mosquitto.conf", "listener " + std::to_string(mqtt_port_) +
                                                             " 127.0.0.1\nallow_anonymous true\n" + persistence);
    start_broker();
  }
  std::vector<std::string> sim_args = {bin("dlms-meter-sim"), "--listen",  "127.0.0.1:0",
                                       "--meters",            std::to_string(options_.meters),
                                       "--profile",           "microstar", "--control",
                                       "127.0.0.1:0",         "--seed",    "7"};
  if (!options_.sim_scenario.empty()) {
    testing_support::write_file(dir_ / "scenario.toml", options_.sim_scenario);
    sim_args.push_back("--scenario");
    sim_args.push_back((dir_ / "scenario.toml").string());
  }
  sim_ = Child(sim_args, dir_ / "sim.log");
  std::map<std::string, std::string> listening;
  testing_support::wait_until(
      [&] {
        listening = parse_listening_line(sim_.log());
        return listening.count("port") && listening.count("control");
      },
      10s);
  if (!listening.count("port")) throw std::runtime_error("simulator did not start: " + sim_.log());
  sim_port_ = std::stoi(listening["port"]);
  sim_control_port_ = std::stoi(listening["control"]);
  std::vector<int> all;
  for (int k = 1; k <= options_.meters; ++k) all.push_back(k);
  write_config(all);
}

BridgeStack::~BridgeStack() {
  if (bridge_.pid() > 0) bridge_.stop(SIGTERM, 10s);
}

std::string BridgeStack::config_text(const std::vector<int>& meters) const {
  std::ostringstream c;
  c << "[bridge]\ninstance = \"e2e-" << http_port_ << "\"\nstate_dir = \"" << (dir_ / "state").string() << "\"\n\n"
    << "[http]\nlisten = \"127.0.0.1:" << http_port_ << "\"\n" << options_.extra_http << "\n"
    << "[mqtt]\nenabled = " << (options_.mqtt ? "true" : "false") << "\nhost = \"127.0.0.1\"\nport = "
    << (options_.mqtt ? mqtt_port_ : 1883) << "\nmode = \"gateway\"\n\n"
    << "[store]\npath = \"" << (dir_ / "state" / "bridge.db").string() << "\"\n\n"
    << "[qos]\npoll_interval = \"" << options_.poll_interval << "\"\nrequest_timeout = \"" << options_.request_timeout
    << "\"\nconnect_timeout = \"2s\"\nbackoff_initial = \"1s\"\nreconnect_settle = \"100ms\"\n"
    << "inter_attempt_wait = \"1s\"\n"
    << options_.extra_qos << "\n";
  for (int k : meters) {
    c << "[[meter]]\nid = \"m" << k << "\"\nhost = \"127.0.0.1\"\nport = " << sim_port_
      << "\nserver_logical = 0\nserver_physical = " << k << "\nauth = \"low\"\npassword = \"22222222\"\n\n";
  }
  c << options_.extra_config;
  return c.str();
}

void BridgeStack::write_config(const std::vector<int>& meters) {
  testing_support::write_file(config_path_, config_text(meters));
}

void BridgeStack::start_broker() {
  mosquitto_ = Child({"mosquitto", "-c", (dir_ / "mosquitto.conf").string()}, dir_ / "mosquitto.log");
  if (!testing_support::wait_for_port(mqtt_port_, 10s)) throw std::runtime_error("mosquitto did not start");
}

void BridgeStack::stop_broker() { mosquitto_.stop(SIGTERM, 10s); }

int BridgeStack::stop_simulator() { return sim_.stop(SIGTERM, 10s); }

void BridgeStack::start_bridge() {
  std::vector<std::string> argv{bin("dlms-bridge"), "--log-level", "debug", "run", "--config", config_path_.string()};
  if (options_.open_files_limit > 0) {
    const auto limit = std::to_string(options_.open_files_limit);
    argv.insert(argv.begin(), {"prlimit", "--nofile=" + limit + ":" + limit, "--"});
  }
  bridge_ = Child(argv, dir_ / "bridge.log");
}

bool BridgeStack::wait_ready(std::chrono::milliseconds timeout) {
  return testing_support::wait_until([&] { return get("/-/ready").status == 200; }, timeout);
}

testing_support::HttpResponse BridgeStack::get(const std::string& path) const {
  return testing_support::http("GET", http_port_, path);
}

testing_support::HttpResponse BridgeStack::post(const std::string& path) const {
  return testing_support::http("POST", http_port_, path);
}

nlohmann::json BridgeStack::sim(const std::string& method, const std::string& path, const std::string& body) const {
  auto r = testing_support::http(method, sim_control_port_, path, body, {{"Content-Type", "application/json"}});
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return nlohmann::json{{"error", "not json: " + r.body}};
  return j;
}

std::optional<double> BridgeStack::metric(const std::string& series) const {
  std::istringstream in(metrics());
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

std::string BridgeStack::logs() {
  std::string out;
  for (const char* name : {"bridge.log", "sim.log", "mosquitto.log"}) {
    auto text = testing_support::read_file(dir_ / name);
    if (text.size() > 20000) text = "...\n" + text.substr(text.size() - 20000);
    out += std::string("==== ") + name + "\n" + text + "\n";
  }
  return out;
}

}  // namespace e2e
