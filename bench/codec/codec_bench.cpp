// Per-register codec cost: encode a GET request frame and decode its response frame.
//  BM_CodecGetRoundTrip:   free functions only (GET APDU -> I-frame bytes; response bytes ->
//                          FrameDecoder -> GET response -> A-XDR value).
//  BM_ClientLinkGet:       the state machines the bridge runs per register: cosem::Client::get ->
//                          Link::send -> poll_transmit, then response bytes -> FrameDecoder ->
//                          Link::handle_frame -> Client::handle_apdu -> GetResult event.
#include <benchmark/benchmark.h>

#include <chrono>

#include "dlms/cosem/client.h"
#include "dlms/cosem/get.h"
#include "dlms/hdlc/frame_decoder.h"
#include "dlms/hdlc/link.h"

namespace {

using namespace dlms;

const hdlc::Address kServer = *hdlc::encode_server_address({0, 1, 1});
const hdlc::Address kClient = *hdlc::encode_client_address(1);

Bytes response_frame(std::uint8_t invoke, std::uint8_t control) {
  Bytes info{0xE6, 0xE7, 0x00};
  const Bytes apdu = cosem::encode_get_response(cosem::GetResponseNormal{invoke, cosem::Value(std::uint32_t{13694})});
  info.insert(info.end(), apdu.begin(), apdu.end());
  return *hdlc::encode(hdlc::Frame{kClient, kServer, control, false, std::move(info)});
}

void BM_CodecGetRoundTrip(benchmark::State& state) {
  const cosem::AttributeDescriptor reg{3, *cosem::parse_obis("1-1:32.7.0"), 2, std::nullopt};
  const Bytes response = response_frame(0xC1, 0x52);
  hdlc::FrameDecoder decoder;
  Bytes out;
  out.reserve(64);
  hdlc::Frame request{kServer, kClient, 0x32, false, {}};
  request.info.reserve(64);
  for (auto _ : state) {
    // Encode.
    request.info.assign({0xE6, 0xE6, 0x00});
    const Bytes apdu = cosem::encode_get_request(cosem::GetRequestNormal{0xC1, reg});
    request.info.insert(request.info.end(), apdu.begin(), apdu.end());
    out.clear();
    benchmark::DoNotOptimize(hdlc::encode_into(request, out));
    // Decode.
    decoder.feed(response);
    auto r = decoder.next();
    auto& frame = std::get<hdlc::Frame>(r);
    auto decoded = cosem::decode_get_response(ByteSpan(frame.info).subspan(3));
    benchmark::DoNotOptimize(decoded);
    (void)decoder.next();  // NeedData; keeps the shared closing flag handling honest
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CodecGetRoundTrip);

void BM_ClientLinkGet(benchmark::State& state) {
  hdlc::LinkConfig config;
  config.local = kClient;
  config.peer = kServer;
  hdlc::Link link(config);
  cosem::ClientConfig cc;
  cc.response_timeout.reset();
  cosem::Client client(cc);
  hdlc::FrameDecoder decoder;
  auto now = hdlc::TimePoint{} + std::chrono::seconds(1);

  // Connect and associate once (not measured).
  (void)link.connect(now);
  (void)link.poll_transmit();
  link.handle_frame(*hdlc::decode_frame(*hdlc::encode(hdlc::Frame{kClient, kServer, 0x73, false, {}})), now);
  (void)link.poll_event();
  (void)client.associate(now);
  (void)link.send(*client.poll_transmit(), now);
  (void)link.poll_transmit();
  cosem::Aare aare;
  aare.initiate = cosem::InitiateResponse{};
  Bytes info{0xE6, 0xE7, 0x00};
  const Bytes aare_bytes = cosem::encode_aare(aare);
  info.insert(info.end(), aare_bytes.begin(), aare_bytes.end());
  link.handle_frame(hdlc::Frame{kClient, kServer, hdlc::control::i_frame(0, 1), false, info}, now);
  client.handle_apdu(std::get<hdlc::ApduReceived>(*link.poll_event()).apdu, now);
  (void)client.poll_event();

  // Pre-encode the 8 response frames of one sequence-number cycle x 16 invoke ids.
  std::vector<Bytes> responses;
  for (int i = 0; i < 128; ++i) {
    const auto ns = static_cast<std::uint8_t>((1 + i) % 8);
    const auto nr = static_cast<std::uint8_t>((2 + i) % 8);
    responses.push_back(response_frame(cosem::make_invoke(static_cast<std::uint8_t>((1 + i) & 0x0F)),
                                       hdlc::control::i_frame(ns, nr)));
  }
  const cosem::AttributeDescriptor reg{3, *cosem::parse_obis("1-1:32.7.0"), 2, std::nullopt};
  std::size_t i = 0;
  for (auto _ : state) {
    (void)client.get(reg, now);
    (void)link.send(*client.poll_transmit(), now);
    auto frame_bytes = link.poll_transmit();
    benchmark::DoNotOptimize(frame_bytes);
    decoder.feed(responses[i++ % responses.size()]);
    link.handle_frame(std::get<hdlc::Frame>(decoder.next()), now);
    auto apdu = link.poll_event();
    client.handle_apdu(std::get<hdlc::ApduReceived>(*apdu).apdu, now);
    auto result = client.poll_event();
    if (!result || !std::holds_alternative<cosem::GetResult>(*result)) {
      state.SkipWithError("session broke");
      break;
    }
    (void)decoder.next();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClientLinkGet);

}  // namespace
