#pragma once
// The COSEM side of the in-test meter: answers AARQ (LLS password check) and GET (registers,
// scaler_unit, the Association LN object list, block transfer) with the codec's encoders, and
// counts what it was asked.
#include <map>
#include <optional>
#include <vector>

#include "dlms/cosem/association.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/register.h"
#include "dlms/cosem/set.h"
#include "scripted_meter.h"

namespace bridge::transport::test {

struct ModelRegister {
  std::int8_t scaler = 0;
  std::uint8_t unit = 0;
  dlms::cosem::Value value;
};

class MeterModel {
 public:
  MeterModel() {
    using dlms::cosem::Value;
    registers[{1, 1, 32, 7, 0, 255}] = {-2, 35, Value(std::uint16_t{13519})};  // 135.19 V
    registers[{1, 1, 31, 7, 0, 255}] = {-3, 33, Value(std::uint16_t{1326})};   // 1.326 A
    registers[{1, 1, 14, 7, 0, 255}] = {-2, 44, Value(std::uint16_t{6001})};   // 60.01 Hz
    registers[{1, 1, 1, 7, 0, 255}] = {-1, 27, Value(std::int32_t{5})};        // 0.5 W
    registers[{1, 1, 1, 8, 0, 255}] = {0, 30, Value(std::uint32_t{56281})};    // 56281 Wh
  }

  Reply operator()(const dlms::Bytes& apdu) {
    namespace cosem = dlms::cosem;
    if (!apdu.empty() && apdu[0] == 0x60) {
      auto aarq = cosem::decode_aarq(apdu);
      cosem::Aare aare;
      const bool ok = aarq && (password.empty() ? aarq->mechanism == cosem::Mechanism::none
                                                : aarq->password == dlms::Bytes(password.begin(), password.end()));
      if (busy) {
        aare.result = cosem::AssociationResult::rejected_transient;
        aare.diagnostic = cosem::diagnostic::kNoReasonGiven;
      } else if (ok) {
        aare.initiate = cosem::InitiateResponse{};
      } else {
        aare.result = cosem::AssociationResult::rejected_permanent;
        aare.diagnostic = cosem::diagnostic::kAuthenticationFailure;
      }
      return answer(cosem::encode_aare(aare));
    }
    if (!apdu.empty() && apdu[0] == cosem::tag::kSetRequest) {
      auto set = cosem::decode_set_request(apdu);
      if (!set) return answer({0xD8, 0x01, 0x02});
      // Only the clock's time is writable.
      const bool clock = set->attribute.class_id == 8 && set->attribute.attribute == 2;
      if (clock) clock_written = set->value;
      return answer(cosem::encode_set_response(
          {set->invoke, clock ? cosem::DataAccessResult::success : cosem::DataAccessResult::read_write_denied}));
    }
    auto request = cosem::decode_get_request(apdu);
    if (!request) return answer({0xD8, 0x01, 0x02});
    if (auto* next = std::get_if<cosem::GetRequestNext>(&*request)) {
      const auto i = static_cast<std::size_t>(next->block_number);
      if (i < pending_blocks.size()) return answer(cosem::encode_get_response(pending_blocks[i]));
      return answer(cosem::encode_get_response(cosem::GetResponseNormal{next->invoke, cosem::DataAccessResult::no_long_get_in_progress}));
    }
    auto* normal = std::get_if<cosem::GetRequestNormal>(&*request);
    if (!normal) return answer({0xD8, 0x01, 0x02});
    ++gets;
    if (silent) {
      Reply r;
      r.silent = true;
      return r;
    }
    const auto& d = normal->attribute;
    Reply reply;
    if (d.class_id == 15 && d.attribute == 2) {
      cosem::Array list;
      for (const auto& [ln, r] : registers) {
        list.items.push_back(cosem::Structure{{cosem::Value(std::uint16_t{3}), cosem::Value(std::uint8_t{0}),
                                              cosem::Value(cosem::OctetString{dlms::Bytes(ln.begin(), ln.end())}),
                                              cosem::Value(cosem::Structure{})}});
      }
      pending_blocks = cosem::split_get_response(normal->invoke, cosem::Value(list), 64);  // force blocks
      return answer(cosem::encode_get_response(pending_blocks.front()));
    }
    auto it = registers.find(d.obis.bytes);
    if (it == registers.end()) {
      return answer(cosem::encode_get_response(cosem::GetResponseNormal{normal->invoke, cosem::DataAccessResult::object_undefined}));
    }
    if (d.attribute == 3) {
      ++scaler_reads;
      return answer(cosem::encode_get_response(cosem::GetResponseNormal{
          normal->invoke, cosem::encode_scaler_unit({it->second.scaler, it->second.unit})}));
    }
    reply.apdu = cosem::encode_get_response(cosem::GetResponseNormal{normal->invoke, it->second.value});
    reply.apdu.insert(reply.apdu.end(), trailing_bytes, std::uint8_t{0});  // the clock quirk, docs/protocol.md 1.18
    if (stale_next) {
      // A late answer to an older request: same shape, another invoke-id.
      const std::uint8_t old = dlms::cosem::make_invoke(static_cast<std::uint8_t>(normal->invoke + 7));
      reply.wrapper_apdus_before.push_back(
          cosem::encode_get_response(cosem::GetResponseNormal{old, cosem::Value(std::uint16_t{999})}));
      stale_next = false;
    }
    return reply;
  }

  std::map<std::array<std::uint8_t, 6>, ModelRegister> registers;
  std::string password = "22222222";
  std::vector<dlms::cosem::GetResponse> pending_blocks;
  int gets = 0;
  int scaler_reads = 0;
  bool stale_next = false;
  bool silent = false;
  bool busy = false;  // reject every AARQ as transient (another association open)
  std::size_t trailing_bytes = 0;  // extra bytes after every register value
  std::optional<dlms::cosem::Value> clock_written;  // the last SET of the clock
};

}  // namespace bridge::transport::test
