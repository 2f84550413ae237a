#pragma once
// Server side of one TCP connection, sans-I/O: bytes in, writes out. Owns the frame decoder,
// the server-role HDLC Link (or the wrapper codec), the COSEM association of the connection,
// and applies the faults that live at the protocol level: refuse on a shared port, silence,
// random disconnects, forced association rejection and 0x7E values (the rest, which act on
// bytes and time, is the Connection's job, see server.cpp).
//
// Binding: on a meter's own port the session is bound from the start. On the shared fleet port
// it is bound by the first frame whose destination is a meter of the fleet (server physical
// address k -> meter k); frames for addresses that no meter answers get DM (HDLC). With the
// wrapper the destination wPort selects the meter on a shared port; on an own port it must be 1.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "dlms/bytes.h"
#include "dlms/hdlc/address.h"
#include "sim/fleet.h"

namespace sim {

enum class Transport { hdlc, wrapper };
constexpr std::string_view to_label(Transport t) {
  return t == Transport::hdlc ? "hdlc" : "wrapper";
}

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

// One write to the socket.
struct Output {
  dlms::Bytes bytes;
  bool hdlc_frame = false;  // bytes are exactly one HDLC frame (HCS/FCS may be corrupted)
  bool response = false;    // answers a request (delay / drop faults apply)
};

class CosemServer;
class SessionLink;

class ServerSession {
 public:
  // `meter` is the meter of an own port, or nullptr on the shared port. `shared` tells which.
  ServerSession(Fleet& fleet, Transport transport, Meter* meter, bool shared, SteadyTime now);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Inputs.
  // Right after TCP accept; false when the connection must be closed at once (close_on_accept
  // on an own port, counted).
  bool accept();
  void handle_bytes(dlms::ByteSpan bytes, SteadyTime now, WallTime wall);
  void handle_timeout(SteadyTime now);

  // Outputs.
  std::optional<Output> poll_transmit();
  std::optional<SteadyTime> poll_timeout() const;
  // The connection must be closed (after writing what poll_transmit still returns, unless
  // close_now()).
  bool should_close() const { return close_ != Close::no; }
  bool close_now() const { return close_ == Close::now; }

  Meter* meter() const { return meter_; }
  // The TCP connection is gone: release the association slot.
  void release();

 private:
  enum class Close { no, after_flush, now };
  friend class SessionLink;

  bool bind(Meter& meter);
  bool intercept_request();
  void handle_hdlc(SteadyTime now, WallTime wall);
  void handle_wrapper(SteadyTime now, WallTime wall);
  void drain_link(SteadyTime now, WallTime wall);
  void end_association();
  void emit(dlms::Bytes bytes, bool hdlc_frame, bool response);

  Fleet& fleet_;
  Transport transport_;
  Meter* meter_;
  bool shared_;
  bool bound_ = false;  // counted in the meter's open connections
  Close close_ = Close::no;
  dlms::hdlc::Address local_;  // the server address the HDLC link answers as
  std::unique_ptr<SessionLink> link_;
  std::unique_ptr<CosemServer> cosem_;
  std::deque<Output> out_;
};

}  // namespace sim
