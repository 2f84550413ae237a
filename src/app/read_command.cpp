// `dlms-bridge read`: the one-shot read's options, register parsing and text/JSON output.
// Over 400 lines because it is the whole CLI surface of one command; profile reads, value
// text and discovery live in their own files (profile_read, profile_output, value_text).
#include "read_command.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <variant>

#include "bridge/config/duration.h"
#include "bridge/config/obis.h"
#include "bridge/hex.h"
#include "bridge/asio.h"
#include "bridge/transport/connection.h"
#include "bridge/transport/object_names.h"
#include "dlms/cosem/date_time.h"
#include "dlms/cosem/units.h"
#include "dlms/cosem/value.h"
#include "dlms/hdlc/address.h"
#include "electricity_registers.h"
#include "profile_output.h"
#include "profile_read.h"
#include "value_text.h"

namespace bridge::app {
namespace {

namespace asio = asio;
using transport::DlmsConnection;
using transport::Error;
using transport::ErrorKind;
using transport::LogicalName;
using transport::MeterEndpoint;
using transport::RegisterRead;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct RegisterSpec {
  LogicalName ln{};
  int class_id = 3;
  int attribute = 2;
};

// The five registers of the Microstar field profile (docs/protocol.md 1.16), read when no --obis is given.
constexpr LogicalName kDefaultRegisters[] = {
    {1, 1, 32, 7, 0, 255}, {1, 1, 31, 7, 0, 255}, {1, 1, 14, 7, 0, 255}, {1, 1, 1, 7, 0, 255}, {1, 1, 1, 8, 0, 255},
};

// The telemetry key a register has in a [[meter]] entry (the greppable line prefix), or "".
std::string key_of(const LogicalName& ln) {
  const auto known = electricity_register(ln);
  return known ? std::string(known->key) : std::string();
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// "A-B:C.D.E[*F][/class[/attr]]"
Result<RegisterSpec, std::string> parse_register(std::string_view text) {
  RegisterSpec spec;
  const auto slash = text.find('/');
  auto obis = config::parse_obis(text.substr(0, slash));
  if (!obis) return fail(obis.error());
  spec.ln = obis->bytes;
  if (slash == std::string_view::npos) return spec;
  std::string_view rest = text.substr(slash + 1);
  const auto slash2 = rest.find('/');
  auto class_id = parse_int(rest.substr(0, slash2));
  if (!class_id || *class_id < 1 || *class_id > 0xFFFF) {
    return fail("bad class id in \"" + std::string(text) + "\" (expected 1..65535)");
  }
  spec.class_id = *class_id;
  if (slash2 != std::string_view::npos) {
    auto attr = parse_int(rest.substr(slash2 + 1));
    if (!attr || *attr < 1 || *attr > 127) {
      return fail("bad attribute in \"" + std::string(text) + "\" (expected 1..127)");
    }
    spec.attribute = *attr;
  }
  return spec;
}

// --timeout accepts config durations ("7s", "500ms") and a bare number of seconds ("7", "0.5").
Result<std::chrono::milliseconds, std::string> parse_timeout(const std::string& text) {
  const bool bare = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
  auto d = config::parse_duration(bare ? text + "s" : text);
  if (!d) return fail(d.error());
  if (d->count() <= 0) return fail("--timeout must be positive");
  return *d;
}

std::string timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::system_clock::to_time_t(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", static_cast<long long>(micros));
  return buf;
}

// A date-time value (the clock's attribute 2, or any octet-string(12) that decodes as one).
std::optional<dlms::cosem::DateTime> date_time_of(const RegisterRead& r) {
  if (const auto* dt = r.data.get_if<dlms::cosem::DateTime>()) return *dt;
  const auto* os = r.data.get_if<dlms::cosem::OctetString>();
  if (!os || os->bytes.size() != 12 || (r.class_id != 8 && !(r.class_id == 1 && r.attribute == 2))) return std::nullopt;
  auto dt = dlms::cosem::decode_date_time(os->bytes);
  if (!dt) return std::nullopt;
  return *dt;
}

// " (UTC 2026-11-29T21:00:00Z, deviation -60 min, status ok)"
std::string date_time_details(const dlms::cosem::DateTime& dt) {
  auto utc = dlms::cosem::to_utc(dt);
  std::string out = " (UTC " + (utc ? dlms::cosem::utc_text(*utc) : std::string("unknown: ") + std::string(to_label(utc.error())));
  out += dt.deviation == dlms::cosem::kDeviationNotSpecified ? ", deviation not specified"
                                                             : ", deviation " + std::to_string(dt.deviation) + " min";
  return out + ", status " + dlms::cosem::clock_status_text(dt.status) + ")";
}

nlohmann::json date_time_json(const dlms::cosem::DateTime& dt) {
  auto utc = dlms::cosem::to_utc(dt);
  nlohmann::json j;
  j["local"] = dlms::cosem::to_iso8601(dt);
  j["utc"] = utc ? nlohmann::json(dlms::cosem::utc_text(*utc)) : nlohmann::json(nullptr);
  j["deviation_minutes"] =
      dt.deviation == dlms::cosem::kDeviationNotSpecified ? nlohmann::json(nullptr) : nlohmann::json(dt.deviation);
  j["status"] = dlms::cosem::clock_status_text(dt.status);
  j["status_code"] = dt.status;
  return j;
}

// voltage_l1 1-1:32.7.0 = 135.19 V (raw 13519, scaler -2)
std::string register_line(const RegisterRead& r) {
  std::string line;
  const auto key = key_of(r.ln);
  if (!key.empty()) line = key + " ";
  line += r.obis;
  if (r.class_id != 3 || r.attribute != 2) {
    line += "/" + std::to_string(r.class_id) + "/" + std::to_string(r.attribute);
  }
  line += " = " + describe_value(r);
  const auto unit = std::string(dlms::cosem::unit_symbol(r.unit));
  if (r.numeric && !unit.empty()) line += " " + unit;
  if (r.numeric) {
    line += " (raw " + std::to_string(r.raw) + ", scaler " + std::to_string(r.scaler) + ")";
  }
  if (auto dt = date_time_of(r)) line += date_time_details(*dt);
  return line;
}

nlohmann::json register_json(const RegisterRead& r) {
  nlohmann::json j;
  const auto key = key_of(r.ln);
  if (!key.empty()) j["key"] = key;
  j["obis"] = r.obis;
  j["class"] = r.class_id;
  j["attribute"] = r.attribute;
  if (r.numeric) {
    j["value"] = r.value;
    j["raw"] = r.raw;
    j["scaler"] = r.scaler;
    j["unit_code"] = r.unit;
    j["unit"] = std::string(dlms::cosem::unit_symbol(r.unit));
  } else {
    j["value"] = value_text(r.data);
  }
  if (auto dt = date_time_of(r)) j["date_time"] = date_time_json(*dt);
  return j;
}

nlohmann::json error_json(const Error& e) {
  nlohmann::json j;
  j["kind"] = std::string(to_label(e.kind));
  j["step"] = std::string(to_label(e.step));
  j["message"] = e.message;
  if (e.hdlc) j["hdlc"] = std::string(labels::to_label(*e.hdlc));
  if (e.diagnostic >= 0) j["diagnostic"] = e.diagnostic;
  if (e.access_result >= 0) j["access_result"] = e.access_result;
  if (!e.frame_hex.empty()) j["frame"] = e.frame_hex;
  return j;
}

struct Outcome {
  int exit_code = kExitOk;
  nlohmann::json json = nlohmann::json::object();
};

}  // namespace

ReadCommand::ReadCommand(CLI::App& read) {
  read.add_option("--host", host_, "Meter IP address or host name")->capture_default_str();
  read.add_option("--port", port_, "TCP port (3333: the Microstar TCP module, as in the config; 4059 is the IANA DLMS port)")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  read.add_option("--transport", transport_, "hdlc (HDLC frames on TCP) or wrapper (IEC 62056-47)")
      ->check(CLI::IsMember({"hdlc", "wrapper"}))
      ->capture_default_str();
  read.add_option("--client-sap", client_sap_, "Client SAP (1 = Microstar LLS client, 16 = public client)")
      ->check(CLI::Range(0, 127))
      ->capture_default_str();
  server_logical_option_ = read.add_option("--server-logical", server_logical_, "Server logical address (upper HDLC address)")
      ->check(CLI::Range(0, 16383))
      ->capture_default_str();
  server_physical_option_ =
      read.add_option("--server-physical", server_physical_, "Server physical address (lower HDLC address)")
          ->check(CLI::Range(0, 16383))
          ->capture_default_str();
  read.add_option("--address-size", address_size_,
                  "HDLC server address size in bytes: 1, 2 or 4 (1 byte carries one value: the one of "
                  "--server-logical/--server-physical given explicitly)")
      ->check(CLI::IsMember({1, 2, 4}))
      ->capture_default_str();
  read.add_option("--auth", auth_, "none (public client), low (LLS password) or hls-gmac (HLS-GMAC, ciphered APDUs)")
      ->check(CLI::IsMember({"none", "low", "hls-gmac"}))
      ->capture_default_str();
  hls_.add_to(read);
  read.add_option("--password", password_, "LLS password (default: the Microstar SAP 1 label default)");
  read.add_option("--obis", obis_,
                  "Register A-B:C.D.E[*F][/class[/attr]] (repeatable; class 3, attribute 2 by default; "
                  "default: the five Microstar registers)");
  read.add_option("--profile", profile_,
                  "Profile Generic A-B:C.D.E to read (the load profile, e.g. 1-0:99.1.0): rows of named, "
                  "scaled columns");
  read.add_option("--from", from_, "With --profile: first capture time, ISO 8601 (2026-11-29T21:00:00Z), inclusive");
  read.add_option("--to", to_, "With --profile: last capture time, ISO 8601, inclusive");
  read.add_option("--last", last_, "With --profile: the N latest entries")->check(CLI::Range(1, 1000000));
  read.add_flag("--csv", csv_, "With --profile: CSV on stdout (header of column names and units)");
  read.add_option("--timeout", timeout_, "Deadline of each step (connect, each request): 7s, 500ms, 7")
      ->capture_default_str();
  read.add_flag("--verbose,-v", verbose_, "Print every TX/RX frame in hex with a timestamp on stderr");
  read.add_flag("--json", json_, "Machine-readable result on stdout");
  read.add_flag("--release", release_, "Release the association with RLRQ/RLRE before DISC (meters with A-RELEASE)");
  read.add_flag("--list", list_, "Read and print the object list of the association (0-0:40.0.0 attribute 2)");
  read.add_option("--wrapper-client-wport", wrapper_client_wport_, "Wrapper source wPort (default: the client SAP)")
      ->check(CLI::Range(0, 65535));
  read.add_option("--wrapper-server-wport", wrapper_server_wport_, "Wrapper destination wPort")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  // Benchmark aid (bench/client): repeat the register reads N times on one association.
  read.add_option("--repeat", repeat_)->check(CLI::Range(1, 100000000))->group("");
}

int ReadCommand::run() {
  // ---- usage checks (exit 2): everything that can be wrong before touching the network ----
  auto usage = [](const std::string& message) {
    std::cerr << "dlms-bridge read: " << message << "\n";
    return kExitUsage;
  };
  std::vector<RegisterSpec> registers;
  for (const auto& text : obis_) {
    auto spec = parse_register(text);
    if (!spec) return usage(spec.error());
    registers.push_back(*spec);
  }
  std::optional<ProfileQuery> profile;
  if (!profile_.empty()) {
    auto ln = config::parse_obis(profile_);
    if (!ln) return usage("bad --profile: " + ln.error());
    ProfileQuery q;
    q.ln = ln->bytes;
    for (auto [text, out, name] : {std::tuple{&from_, &q.from, "--from"}, std::tuple{&to_, &q.to, "--to"}}) {
      if (text->empty()) continue;
      auto t = dlms::cosem::parse_iso8601(*text);
      if (!t) {
        return usage(std::string("bad ") + name + " \"" + *text + "\": expected an ISO 8601 instant such as " +
                     "2026-11-29T21:00:00Z (" + std::string(dlms::cosem::to_label(t.error())) + ")");
      }
      *out = *t;
    }
    if (last_ > 0) q.last = static_cast<std::uint32_t>(last_);
    if (q.last && (q.from || q.to)) return usage("--last cannot be combined with --from/--to");
    if (q.from && q.to && *q.from > *q.to) return usage("--from is after --to");
    if (csv_ && json_) return usage("--csv and --json are exclusive");
    profile = q;
  } else if (!from_.empty() || !to_.empty() || last_ > 0 || csv_) {
    return usage("--from, --to, --last and --csv need --profile");
  }
  if (registers.empty() && !list_ && !profile) {
    for (const auto& ln : kDefaultRegisters) registers.push_back({ln, 3, 2});
  }
  auto timeout = parse_timeout(timeout_);
  if (!timeout) return usage("bad --timeout: " + timeout.error());
  if (address_size_ == 1) {
    // The one-byte form carries a single value: the address given explicitly wins over the
    // other's default (--server-logical 1 alone means the byte 0x03, not "logical 1 + physical 1").
    const bool logical_given = server_logical_option_->count() > 0;
    const bool physical_given = server_physical_option_->count() > 0;
    if (logical_given && !physical_given) server_physical_ = 0;
    if (physical_given && !logical_given) server_logical_ = 0;
    if (logical_given && physical_given && server_logical_ != 0 && server_physical_ != 0) {
      return usage("--address-size 1 carries one value: give --server-logical or --server-physical, not both "
                   "(logical " + std::to_string(server_logical_) + " / physical " + std::to_string(server_physical_) +
                   "), or use --address-size 2 or 4 for both");
    }
  }
  const dlms::hdlc::ServerAddress server{static_cast<std::uint16_t>(server_logical_),
                                         static_cast<std::uint16_t>(server_physical_),
                                         static_cast<std::uint8_t>(address_size_)};
  if (transport_ == "hdlc" && !dlms::hdlc::encode_server_address(server)) {
    return usage("server address logical " + std::to_string(server_logical_) + " / physical " +
                 std::to_string(server_physical_) + " does not fit --address-size " + std::to_string(address_size_) +
                 " (1 byte: one value 0..127; 2 bytes: 0..127 each; 4 bytes: 0..16383 each)");
  }
  if (auth_ == "low" && (password_.empty() || password_.size() > 16)) {
    return usage("--auth low needs a --password of 1..16 characters");
  }
  transport::HlsGmacSettings hls;
  if (const auto given = hls_.first_given(); auth_ != "hls-gmac" && !given.empty()) {
    return usage(given + " applies only to --auth hls-gmac");
  }
  if (auth_ == "hls-gmac") {
    auto settings = hls_.settings();
    if (!settings) return usage(settings.error());
    hls = std::move(*settings);
  }

  MeterEndpoint ep;
  ep.host = host_;
  ep.port = static_cast<std::uint16_t>(port_);
  ep.kind = transport_ == "wrapper" ? MeterEndpoint::Kind::wrapper : MeterEndpoint::Kind::hdlc;
  ep.client_sap = static_cast<std::uint8_t>(client_sap_);
  ep.server_logical = static_cast<std::uint16_t>(server_logical_);
  ep.server_physical = static_cast<std::uint16_t>(server_physical_);
  ep.address_size = address_size_;
  ep.release = release_;
  ep.auth = auth_ == "low" ? MeterEndpoint::Auth::low : MeterEndpoint::Auth::none;
  ep.password = ep.auth == MeterEndpoint::Auth::low ? password_ : std::string();
  if (auth_ == "hls-gmac") {
    ep.auth = MeterEndpoint::Auth::hls_gmac;
    ep.hls = std::move(hls);
  }
  ep.wrapper_client_wport = static_cast<std::uint16_t>(wrapper_client_wport_ >= 0 ? wrapper_client_wport_ : client_sap_);
  ep.wrapper_server_wport = static_cast<std::uint16_t>(wrapper_server_wport_);
  transport::Timeouts timeouts;
  timeouts.connect = *timeout;
  timeouts.request = *timeout;

  transport::FrameObserver observer;
  auto warnings = std::make_shared<std::vector<std::string>>();
  const bool verbose = verbose_;
  observer.on_protocol_warning = [warnings, verbose](const std::string& warning) {
    warnings->push_back(warning);
    if (verbose) std::cerr << timestamp_now() << " WARN " << warning << "\n";
  };
  if (verbose_) {
    observer.on_frame = [](bool tx, std::span<const std::uint8_t> frame) {
      std::cerr << timestamp_now() << (tx ? " TX " : " RX ") << bridge::to_hex(frame)
                << "\n";
    };
    observer.on_hdlc_error = [](labels::HdlcError kind, std::span<const std::uint8_t> raw) {
      std::cerr << timestamp_now() << " ERR " << labels::to_label(kind) << " (resynced) "
                << bridge::to_hex(raw) << "\n";
    };
  }

  // ---- the probe: open, read, always close ----
  asio::io_context io(1);
  DlmsConnection connection(io.get_executor(), ep, timeouts, observer);
  Outcome outcome;
  auto& doc = outcome.json;
  doc["meter"] = {{"host", ep.host},
                  {"port", ep.port},
                  {"transport", std::string(to_label(ep.kind))},
                  {"client_sap", client_sap_},
                  {"server_logical", server_logical_},
                  {"server_physical", server_physical_},
                  {"address_size", address_size_},
                  {"auth", std::string(to_label(ep.auth))}};
  const bool json = json_;
  const bool csv = csv_;
  const bool list = list_;
  const int repeat = repeat_;
  const bool release = release_;

  auto report_failure = [&](const Error& e) {
    outcome.exit_code = kExitFailure;
    doc["error"] = error_json(e);
    if (!json) std::cerr << "dlms-bridge read: " << e.message << "\n";
  };

  auto probe = [&]() -> asio::awaitable<void> {
    auto opened = co_await connection.open();
    if (!opened) {
      report_failure(opened.error());
      co_await connection.close();
      co_return;
    }
    if (list) {
      auto objects = co_await connection.object_list();
      if (!objects) {
        report_failure(objects.error());
      } else {
        auto& arr = doc["objects"] = nlohmann::json::array();
        for (const auto& o : *objects) {
          const auto text = transport::obis_text(o.ln);
          const auto description = transport::describe_object(o.ln);
          const auto cls = transport::class_name(o.class_id);
          arr.push_back({{"class", o.class_id},
                         {"version", o.version},
                         {"obis", text},
                         {"class_name", std::string(cls)},
                         {"description", description}});
          if (!json) {
            char head[96];
            std::snprintf(head, sizeof head, "class %3d v%d  %-18s", o.class_id, o.version, text.c_str());
            std::string line = head;
            if (!cls.empty()) line += std::string(" ") + std::string(cls);
            if (!description.empty()) line += (cls.empty() ? " " : ": ") + description;
            std::cout << line << "\n";
          }
        }
      }
    }
    if (profile) {
      auto table = co_await read_profile(connection, *profile);
      if (!table) {
        report_failure(table.error());
      } else {
        // The JSON form is one object: the meter, ok, then the table's obis, columns and rows.
        const auto shaped = profile_json(*table);
        for (const auto& [key, value] : shaped.items()) doc[key] = value;
        if (csv) {
          std::cout << profile_csv(*table);
        } else if (!json) {
          std::cout << profile_text(*table);
        }
      }
    }
    auto& regs = doc["registers"] = nlohmann::json::array();
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t reads = 0;
    for (int round = 0; round < repeat && outcome.exit_code == kExitOk; ++round) {
      const bool last = round + 1 == repeat;
      for (const auto& spec : registers) {
        auto r = co_await connection.read_register(spec.ln, spec.class_id, spec.attribute);
        ++reads;
        if (!r) {
          auto e = r.error();
          if (last || e.fatal()) {
            nlohmann::json j{{"obis", transport::obis_text(spec.ln)},
                             {"class", spec.class_id},
                             {"attribute", spec.attribute},
                             {"error", error_json(e)}};
            regs.push_back(j);
          }
          outcome.exit_code = kExitFailure;
          if (!e.fatal()) {
            if (!json) std::cerr << "dlms-bridge read: " << e.message << "\n";
            if (last) continue;
            break;
          }
          report_failure(e);
          break;
        }
        if (last) {
          regs.push_back(register_json(*r));
          if (!json) std::cout << register_line(*r) << "\n";
        }
      }
      if (outcome.exit_code != kExitOk && !connection.is_open()) break;
    }
    if (repeat > 1) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      doc["repeat"] = {{"rounds", repeat}, {"reads", reads}, {"seconds", secs}};
      if (!json) {
        std::fprintf(stderr, "repeat: %llu reads in %.3f s (%.0f reads/s)\n", static_cast<unsigned long long>(reads),
                     secs, secs > 0 ? static_cast<double>(reads) / secs : 0.0);
      }
    }
    co_await connection.close();
    if (release) {
      // close() sends the RLRQ and goes on to DISC whatever the answer: say what the meter did.
      const bool released = connection.stats().releases > 0;
      doc["released"] = released;
      if (!released && !json) std::cerr << "dlms-bridge read: the meter did not answer the RLRQ with an RLRE\n";
    }
  };

  std::exception_ptr crashed;
  asio::co_spawn(io, probe(), [&](std::exception_ptr e) { crashed = e; });
  io.run();
  if (crashed) {
    try {
      std::rethrow_exception(crashed);
    } catch (const std::exception& e) {
      std::cerr << "dlms-bridge read: internal error: " << e.what() << "\n";
    }
    return kExitFailure;
  }
  doc["ok"] = outcome.exit_code == kExitOk;
  doc["protocol_warnings"] = *warnings;
  if (json) std::cout << doc.dump(2) << "\n";
  return outcome.exit_code;
}

}  // namespace bridge::app
