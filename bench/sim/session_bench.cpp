// CPU cost of the simulator's protocol path without sockets: one associated ServerSession fed
// GET frames in memory (frame decode, HDLC link, GET decode, register value, A-XDR and frame
// encode). Compare with sim_load_bench's CPU per GET over TCP to see the syscall share.
#include <benchmark/benchmark.h>

#include "dlms/cosem/association.h"
#include "dlms/cosem/get.h"
#include "dlms/hdlc/frame.h"
#include "dlms/hdlc/link.h"
#include "sim/fleet.h"
#include "sim/server_session.h"

namespace {

namespace hdlc = dlms::hdlc;
namespace cosem = dlms::cosem;

dlms::Bytes frame(std::uint8_t control, const dlms::Bytes& apdu) {
  hdlc::Frame f;
  f.destination = *hdlc::encode_server_address({0, 1, 1});
  f.source = *hdlc::encode_client_address(16);
  f.control = control;
  if (!apdu.empty()) {
    f.info.assign(hdlc::kLlcRequest.begin(), hdlc::kLlcRequest.end());
    f.info.insert(f.info.end(), apdu.begin(), apdu.end());
  }
  return *hdlc::encode(f);
}

std::size_t drain(sim::ServerSession& s) {
  std::size_t bytes = 0;
  while (auto o = s.poll_transmit()) bytes += o->bytes.size();
  return bytes;
}

void BM_SessionGetRegister(benchmark::State& state) {
  sim::Fleet fleet(1, sim::make_profile(sim::ProfileKind::microstar), 1);
  sim::ServerSession s(fleet, sim::Transport::hdlc, fleet.find(1), false, std::chrono::steady_clock::now());
  (void)s.accept();
  auto now = std::chrono::steady_clock::now();
  auto wall = std::chrono::system_clock::now();
  s.handle_bytes(frame(hdlc::control::snrm(), {}), now, wall);
  drain(s);
  s.handle_bytes(frame(hdlc::control::i_frame(0, 0), *cosem::encode_aarq(cosem::Aarq{})), now, wall);
  drain(s);
  std::uint8_t seq = 1;
  cosem::GetRequestNormal get;
  get.attribute = {3, *cosem::parse_obis("1-1:32.7.0"), 2, std::nullopt};
  // Pre-encode the 8 frames of the sequence-number cycle.
  std::vector<dlms::Bytes> frames;
  for (std::uint8_t i = 0; i < 8; ++i) {
    get.invoke = cosem::make_invoke(i);
    frames.push_back(frame(hdlc::control::i_frame(i, i), cosem::encode_get_request(get)));
  }
  std::size_t out = 0;
  for (auto _ : state) {
    s.handle_bytes(frames[seq], now, wall);
    out += drain(s);
    seq = static_cast<std::uint8_t>((seq + 1) & 7);
  }
  if (fleet.find(1)->stats().get_requests != static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("a GET was not answered");
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_out_per_get"] = static_cast<double>(out) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_SessionGetRegister);

}  // namespace

BENCHMARK_MAIN();
