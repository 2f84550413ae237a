#pragma once
// quinn-style Pair: a client and a server hdlc::Link wired through memory under virtual time,
// each side with its own FrameDecoder, with hooks to drop or corrupt bytes in flight.
#include <chrono>
#include <functional>
#include <vector>

#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"

namespace dlms::testing {

struct LinkSide {
  explicit LinkSide(hdlc::LinkConfig c) : link(std::move(c)) {}
  hdlc::Link link;
  hdlc::FrameDecoder decoder;
  std::vector<hdlc::LinkEvent> events;
  std::vector<hdlc::FrameError> frame_errors;
  std::vector<Bytes> sent;  // every frame this side transmitted
};

// Returns the bytes to deliver (empty = dropped).
using Tamper = std::function<Bytes(bool from_client, const Bytes& frame)>;

class LinkPair {
 public:
  LinkPair(hdlc::LinkConfig client, hdlc::LinkConfig server) : client(std::move(client)), server(std::move(server)) {}

  static hdlc::LinkConfig client_config(hdlc::ServerAddress server = {0, 1, 1}, std::uint8_t sap = 1) {
    hdlc::LinkConfig c;
    c.role = hdlc::Role::client;
    c.local = *hdlc::encode_client_address(sap);
    c.peer = *hdlc::encode_server_address(server);
    c.response_timeout = std::chrono::seconds(5);
    return c;
  }
  static hdlc::LinkConfig server_config(hdlc::ServerAddress server = {0, 1, 1}) {
    hdlc::LinkConfig c;
    c.role = hdlc::Role::server;
    c.local = *hdlc::encode_server_address(server);
    c.limits = hdlc::LinkParameters{128, 128, 1, 1};
    return c;
  }

  // Moves bytes both ways and fires due timers until nothing moves. Advances virtual time to the
  // next timeout when `advance_time` and everything is idle, at most `max_timeouts` times.
  void drive(int max_timeouts = 0) {
    for (int guard = 0; guard < 10000; ++guard) {
      bool progress = exchange(client, server, true);
      progress = exchange(server, client, false) || progress;
      collect(client);
      const std::size_t before = server.events.size();
      collect(server);
      for (std::size_t i = before; i < server.events.size(); ++i) {
        auto* apdu = std::get_if<hdlc::ApduReceived>(&server.events[i]);
        if (!apdu || !server_app) continue;
        if (auto answer = server_app(apdu->apdu)) {
          (void)server.link.send(*answer, now);
          progress = true;
        }
      }
      if (progress) continue;
      if (max_timeouts-- <= 0) return;
      auto t1 = client.link.poll_timeout();
      auto t2 = server.link.poll_timeout();
      std::optional<hdlc::TimePoint> next;
      if (t1) next = *t1;
      if (t2 && (!next || *t2 < *next)) next = *t2;
      if (!next) return;
      now = std::max(now, *next);
      client.link.handle_timeout(now);
      server.link.handle_timeout(now);
    }
  }

  LinkSide client;
  LinkSide server;
  hdlc::TimePoint now{};
  Tamper tamper;
  // The server application: answers each received APDU (nullopt = no answer).
  std::function<std::optional<Bytes>(const Bytes&)> server_app;

 private:
  bool exchange(LinkSide& from, LinkSide& to, bool from_client) {
    bool moved = false;
    while (auto bytes = from.link.poll_transmit()) {
      moved = true;
      from.sent.push_back(*bytes);
      Bytes wire = tamper ? tamper(from_client, *bytes) : *bytes;
      to.decoder.feed(wire);
      for (;;) {
        auto r = to.decoder.next();
        if (std::holds_alternative<hdlc::NeedData>(r)) break;
        if (auto* e = std::get_if<hdlc::FrameError>(&r)) {
          to.frame_errors.push_back(*e);
          continue;
        }
        to.link.handle_frame(std::get<hdlc::Frame>(r), now);
      }
    }
    return moved;
  }
  static void collect(LinkSide& side) {
    while (auto e = side.link.poll_event()) side.events.push_back(std::move(*e));
  }
};

}  // namespace dlms::testing
