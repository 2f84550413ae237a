#pragma once
// A small in-test meter on 127.0.0.1:<ephemeral>: the codec's server-role HDLC Link, with a
// per-request script that can inject the faults a real meter produces only by accident
// (garbage, corrupt frames, stale repeats, silence, closing mid-frame). mosquitto test/lib style.
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "bridge/asio.h"
#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"
#include "dlms/wrapper.h"

namespace bridge::transport::test {

struct Reply {
  dlms::Bytes apdu;                 // response APDU (LLC added by the Link)
  dlms::Bytes garbage_before;       // raw bytes written before the frame
  bool corrupt_copy_before = false; // a copy of the frame with a broken FCS first
  bool stale_copy_before = false;   // the previous reply frame again first (old N(S)/N(R))
  bool silent = false;              // never answer
  bool close_mid_frame = false;     // write half the frame, then close the socket
  std::vector<dlms::Bytes> wrapper_apdus_before;  // wrapper mode: extra messages sent first (stale replies)
};

inline Reply answer(dlms::Bytes apdu) {
  Reply r;
  r.apdu = std::move(apdu);
  return r;
}

class ScriptedMeter {
 public:
  using Responder = std::function<Reply(const dlms::Bytes& request_apdu)>;

  ScriptedMeter(asio::io_context& io, dlms::hdlc::ServerAddress address, Responder responder, bool wrapper = false)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        address_(address),
        responder_(std::move(responder)) {
    if (wrapper) {
      asio::co_spawn(io, serve_wrapper(), [](std::exception_ptr) {});
    } else {
      asio::co_spawn(io, serve(), [](std::exception_ptr) {});
    }
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // Bytes written right after accept (unsolicited, to test the drain).
  dlms::Bytes greeting;
  // Answer SNRM with DM (busy meter).
  bool refuse_link = false;
  std::size_t requests = 0;
  bool saw_disc = false;

 private:
  asio::awaitable<void> serve() {
    auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    if (!greeting.empty()) co_await asio::async_write(socket, asio::buffer(greeting), asio::use_awaitable);
    dlms::hdlc::LinkConfig cfg;
    cfg.role = dlms::hdlc::Role::server;
    cfg.local = dlms::hdlc::encode_server_address(address_).value();
    dlms::hdlc::Link link(cfg);
    dlms::hdlc::FrameDecoder decoder;
    std::array<std::uint8_t, 2048> buf{};
    dlms::Bytes last_frame;
    for (;;) {
      boost::system::error_code ec;
      const auto n = co_await socket.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      decoder.feed({buf.data(), n});
      const auto now = std::chrono::steady_clock::now();
      for (;;) {
        auto r = decoder.next();
        auto* frame = std::get_if<dlms::hdlc::Frame>(&r);
        if (!frame) {
          if (std::holds_alternative<dlms::hdlc::FrameError>(r)) continue;
          break;
        }
        if (frame->type() == dlms::hdlc::FrameType::disc) saw_disc = true;
        if (refuse_link && frame->type() == dlms::hdlc::FrameType::snrm) {
          dlms::hdlc::Frame dm{frame->source, frame->destination, dlms::hdlc::control::dm(true), false, {}};
          auto bytes = dlms::hdlc::encode(dm).value();
          co_await asio::async_write(socket, asio::buffer(bytes), asio::use_awaitable);
          continue;
        }
        link.handle_frame(*frame, now);
      }
      std::optional<Reply> reply;
      while (auto ev = link.poll_event()) {
        if (auto* apdu = std::get_if<dlms::hdlc::ApduReceived>(&*ev)) {
          ++requests;
          reply = responder_(apdu->apdu);
          if (!reply->silent) (void)link.send(reply->apdu, now);
        }
      }
      while (auto out = link.poll_transmit()) {
        dlms::Bytes wire;
        if (reply) {
          wire.insert(wire.end(), reply->garbage_before.begin(), reply->garbage_before.end());
          if (reply->stale_copy_before && !last_frame.empty()) wire.insert(wire.end(), last_frame.begin(), last_frame.end());
          if (reply->corrupt_copy_before) {
            dlms::Bytes bad = *out;
            bad[bad.size() - 2] ^= 0xFF;  // FCS
            wire.insert(wire.end(), bad.begin(), bad.end());
          }
          if (reply->close_mid_frame) {
            wire.insert(wire.end(), out->begin(), out->begin() + static_cast<std::ptrdiff_t>(out->size() / 2));
            co_await asio::async_write(socket, asio::buffer(wire), asio::use_awaitable);
            socket.close();
            co_return;
          }
          last_frame = *out;
        }
        wire.insert(wire.end(), out->begin(), out->end());
        co_await asio::async_write(socket, asio::buffer(wire), asio::use_awaitable);
      }
    }
  }

  // IEC 62056-47: answers from wPort 1 to the client's wPort.
  asio::awaitable<void> serve_wrapper() {
    auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    if (!greeting.empty()) co_await asio::async_write(socket, asio::buffer(greeting), asio::use_awaitable);
    dlms::wrapper::WrapperDecoder decoder;
    std::array<std::uint8_t, 2048> buf{};
    for (;;) {
      boost::system::error_code ec;
      const auto n = co_await socket.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      decoder.feed({buf.data(), n});
      for (;;) {
        auto r = decoder.next();
        auto* m = std::get_if<dlms::wrapper::Message>(&r);
        if (!m) {
          if (std::holds_alternative<dlms::wrapper::WrapperError>(r)) continue;
          break;
        }
        ++requests;
        Reply reply = responder_(m->apdu);
        if (reply.silent) continue;
        dlms::Bytes wire = reply.garbage_before;
        for (const auto& extra : reply.wrapper_apdus_before) {
          auto b = dlms::wrapper::encode({m->destination, m->source, extra}).value();
          wire.insert(wire.end(), b.begin(), b.end());
        }
        auto b = dlms::wrapper::encode({m->destination, m->source, reply.apdu}).value();
        if (reply.close_mid_frame) {
          wire.insert(wire.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(b.size() / 2));
          co_await asio::async_write(socket, asio::buffer(wire), asio::use_awaitable);
          socket.close();
          co_return;
        }
        wire.insert(wire.end(), b.begin(), b.end());
        co_await asio::async_write(socket, asio::buffer(wire), asio::use_awaitable);
      }
    }
  }

  tcp::acceptor acceptor_;
  dlms::hdlc::ServerAddress address_;
  Responder responder_;
};

}  // namespace bridge::transport::test
