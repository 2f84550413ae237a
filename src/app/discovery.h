#pragma once
// The search of `dlms-bridge discover`: tries address forms x credentials against one meter,
// politely: one association attempt at a time (each attempt opens, judges and closes its
// connection before the next starts), a pause between attempts, a bounded total time, and a stop
// at the first working setting unless `all`. On the first success it reads the association's
// object list, the meter's identity (logical device name, serial, clock) and every electricity
// register offered. Nothing is written to the meter: only GET requests are sent.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bridge/config/config.h"
#include "bridge/result.h"
#include "bridge/asio.h"
#include "bridge/transport/connection.h"
#include "discovery_attempt.h"
#include "discovery_plan.h"
#include "electricity_registers.h"

namespace bridge::app {

struct DiscoveryOptions {
  std::string host;
  std::uint16_t port = 3333;
  config::Transport transport = config::Transport::hdlc;
  std::vector<AddressForm> addresses;
  std::vector<ClientCredential> credentials;
  std::chrono::milliseconds step_timeout{7000};  // connect, SNRM, AARQ, each GET
  std::chrono::milliseconds pause{2000};         // between two attempts
  std::chrono::milliseconds max_time{120000};    // the whole search
  bool all = false;                              // keep going after the first success
};

struct AttemptRecord {
  int number = 0;
  AddressForm address;
  ClientCredential credential;
  AttemptVerdict verdict;
};

// An identity object the meter offers (logical device name, serial, clock).
struct IdentityValue {
  transport::LogicalName ln{};
  std::optional<std::string> text;  // value_text of attribute 2; nullopt when the read failed
  std::string error;                // why it could not be read
};

struct RegisterProbe {
  OfferedRegister offered;
  std::optional<transport::RegisterRead> read;
  std::string error;  // why it could not be read
};

// What the first working setting revealed.
struct MeterFindings {
  AddressForm address;
  ClientCredential credential;
  std::size_t object_count = 0;
  std::optional<IdentityValue> logical_device_name, serial, clock;
  std::vector<RegisterProbe> registers;
};

struct DiscoveryResult {
  std::vector<AttemptRecord> attempts;
  std::optional<MeterFindings> found;  // the first working setting
  std::vector<AttemptRecord> working;  // every working setting (one unless `all`)
  bool out_of_time = false;            // --max-time ended the search
};

// The [[meter]] candidate an attempt stands for: what the block says if it works.
config::MeterConfig candidate_meter(const DiscoveryOptions& options, const AddressForm& address,
                                    const ClientCredential& credential);

class Discovery {
 public:
  // `progress` receives one line per step for the operator (stderr).
  Discovery(asio::any_io_executor ex, DiscoveryOptions options,
            std::function<void(const std::string&)> progress);

  awaitable<DiscoveryResult> run();

 private:
  awaitable<AttemptVerdict> attempt(const AddressForm& address, const ClientCredential& credential,
                                               DiscoveryResult& result);
  awaitable<MeterFindings> probe(transport::DlmsConnection& connection,
                                            const std::vector<transport::ObjectListEntry>& objects);
  awaitable<bool> pause();

  asio::any_io_executor ex_;
  DiscoveryOptions options_;
  std::function<void(const std::string&)> progress_;
  std::chrono::steady_clock::time_point deadline_{};
  asio::steady_timer pause_timer_;
  asio::steady_timer deadline_timer_;
  transport::DlmsConnection* current_ = nullptr;  // the one connection open at any time
  bool expired_ = false;
};

}  // namespace bridge::app
