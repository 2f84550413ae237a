#include "discover_command.h"

#include <exception>
#include <iostream>

#include "bridge/config/duration.h"
#include "bridge/config/meter_writer.h"
#include "bridge/asio.h"
#include "discover_report.h"
#include "discovery.h"

namespace bridge::app {
namespace {

namespace asio = asio;

constexpr int kExitFound = 0;
constexpr int kExitNotFound = 1;
constexpr int kExitUsage = 2;

// Config durations ("5s", "500ms", "2m") or a bare number of seconds.
Result<std::chrono::milliseconds, std::string> parse_seconds(const std::string& option, const std::string& text,
                                                             bool zero_ok) {
  const bool bare = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
  auto d = config::parse_duration(bare ? text + "s" : text);
  if (!d) return fail(option + ": " + d.error());
  if (d->count() < 0 || (!zero_ok && d->count() == 0))
    return fail(option + " must be " + (zero_ok ? "0 or more" : "positive"));
  return std::chrono::milliseconds(d->count());
}

}  // namespace

DiscoverCommand::DiscoverCommand(CLI::App& discover) {
  discover.add_option("--host", host_, "Meter IP address or host name")->required();
  discover.add_option("--port", port_, "TCP port (3333: the Microstar TCP module; 4059 is the IANA DLMS port)")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  discover.add_option("--transport", transport_, "hdlc (HDLC frames on TCP) or wrapper (IEC 62056-47)")
      ->check(CLI::IsMember({"hdlc", "wrapper"}))
      ->capture_default_str();
  discover.add_option("--serial", serial_,
                      "Serial number from the label: also try physical address = its last four digits (the vendor's "
                      "factory setting)");
  discover.add_option("--credential", credentials_,
                      "SAP:PASSWORD (or SAP alone: no password) to try before the public client and the label "
                      "pairs; repeatable");
  discover.add_option("--id", id_, "Meter id of the printed entry (default: meter-<serial>)");
  discover.add_option("--timeout", timeout_, "Deadline of each step of an attempt (connect, SNRM, AARQ, each GET)")
      ->capture_default_str();
  discover.add_option("--pause", pause_, "Pause between two attempts (the meter serves one client at a time)")
      ->capture_default_str();
  discover.add_option("--max-time", max_time_, "Bound on the whole search")->capture_default_str();
  discover.add_flag("--all", all_, "Try every address and credential instead of stopping at the first that works");
  discover.add_flag("--json", json_, "Print the findings and the entry as JSON instead of TOML");
}

int DiscoverCommand::run() {
  auto usage = [](const std::string& message) {
    std::cerr << "dlms-bridge discover: " << message << "\n";
    return kExitUsage;
  };
  DiscoveryOptions options;
  options.host = host_;
  options.port = static_cast<std::uint16_t>(port_);
  options.transport = transport_ == "wrapper" ? config::Transport::wrapper : config::Transport::hdlc;
  options.all = all_;
  auto timeout = parse_seconds("--timeout", timeout_, false);
  if (!timeout) return usage(timeout.error());
  auto pause = parse_seconds("--pause", pause_, true);
  if (!pause) return usage(pause.error());
  auto max_time = parse_seconds("--max-time", max_time_, false);
  if (!max_time) return usage(max_time.error());
  options.step_timeout = *timeout;
  options.pause = *pause;
  options.max_time = *max_time;
  std::optional<std::uint16_t> serial_physical;
  if (!serial_.empty()) {
    auto physical = physical_from_serial(serial_);
    if (!physical) return usage(physical.error());
    serial_physical = *physical;
  }
  std::vector<ClientCredential> given;
  for (const auto& text : credentials_) {
    auto c = parse_credential(text);
    if (!c) return usage(c.error());
    given.push_back(*c);
  }
  options.addresses = address_forms(options.transport, serial_physical);
  options.credentials = credential_order(given);

  std::cerr << "discover " << options.host << ":" << options.port << " over " << transport_ << ": "
            << options.addresses.size() << " address form(s) x " << options.credentials.size()
            << " credential(s), one attempt at a time, " << config::format_duration(options.pause) << " apart, at most "
            << config::format_duration(options.max_time) << "\n";

  asio::io_context io(1);
  Discovery discovery(io.get_executor(), options, [](const std::string& line) { std::cerr << line << "\n"; });
  DiscoveryResult result;
  std::exception_ptr crashed;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { result = co_await discovery.run(); },
      [&](std::exception_ptr e) { crashed = e; });
  io.run();
  if (crashed) {
    try {
      std::rethrow_exception(crashed);
    } catch (const std::exception& e) {
      std::cerr << "dlms-bridge discover: internal error: " << e.what() << "\n";
    }
    return kExitNotFound;
  }

  std::optional<config::MeterConfig> entry;
  std::string block;
  if (result.found) {
    std::cerr << "found: " << result.found->address.label(options.transport) << ", " << result.found->credential.label()
              << "\n";
    print_findings(std::cerr, *result.found);
    entry = meter_entry(options, result, id_);
    if (entry->registers.empty()) {
      std::cerr << "dlms-bridge discover: the meter answers, but offers no electricity register discover can read "
                   "with this client; list its objects with `dlms-bridge read --list` and write the entry's "
                   "[[meter.register]] by hand\n";
      entry.reset();
    } else {
      block = config::meter_toml(*entry);
      // The entry must pass check-config as printed: validate it with the loader itself.
      if (auto loaded = config::load_string(block, "discovered entry"); !loaded) {
        for (const auto& e : loaded.error())
          std::cerr << "dlms-bridge discover: internal error: " << e.to_string() << "\n";
        entry.reset();
      }
    }
    if (entry && !result.found->credential.password.empty()) {
      std::cerr << "note: the entry holds the password in clear; for production move it to a file readable "
                   "only by the bridge and write password_file = \"...\" instead\n";
    }
    if (result.working.size() > 1) {
      std::cerr << "working settings (" << result.working.size() << "):\n";
      for (const auto& w : result.working) {
        std::cerr << "  " << w.address.label(options.transport) << ", " << w.credential.label() << "\n";
      }
    }
  } else {
    print_not_found(std::cerr, options, result, serial_physical.has_value());
  }

  if (json_) {
    std::cout << result_json(options, result, entry ? &*entry : nullptr).dump(2) << "\n";
  } else if (entry) {
    std::cout << "\n# dlms-bridge discover " << options.host << ":" << options.port << ": "
              << result.found->address.label(options.transport) << ", " << result.found->credential.label() << "\n"
              << block;
  }
  return entry ? kExitFound : kExitNotFound;
}

}  // namespace bridge::app
