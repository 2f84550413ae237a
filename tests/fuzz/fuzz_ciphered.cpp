// Ciphered xDLMS APDUs (glo- and general-glo-ciphering) and the ACTION codec of HLS pass 3/4:
// decode(encode(decode(x))) == decode(x) (as bytes for ACTION); deciphering under the Green Book keys never crashes
// and, when the tag verifies, yields an APDU whose re-ciphering is the input again.
#include <cstdint>
#include <cstdlib>

#include "dlms/cosem/action.h"
#include "dlms/cosem/ciphered.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dlms::cosem;
  dlms::ByteSpan in(data, size);
  static const dlms::Bytes title{0x4D, 0x4D, 0x4D, 0x00, 0x00, 0xBC, 0x61, 0x4E};
  static const security::Keys keys{
      {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F},
      {0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF}};
  if (auto c = decode_ciphered(in)) {
    auto back = decode_ciphered(encode_ciphered(*c));
    if (!back || !(*back == *c)) std::abort();
    if (auto plain = decipher_apdu(in, title, keys, 0)) {
      auto again = cipher_apdu(plain->apdu, plain->security_control, title, plain->invocation_counter, keys,
                               plain->general);
      if (!again || !(decode_ciphered(*again) == c)) std::abort();
    }
  }
  // Compared as bytes: a NaN float in the Data never equals itself.
  if (auto r = decode_action_request(in)) {
    const auto once = encode_action_request(*r);
    auto back = decode_action_request(once);
    if (!back || encode_action_request(*back) != once) std::abort();
  }
  if (auto r = decode_action_response(in)) {
    const auto once = encode_action_response(*r);
    auto back = decode_action_response(once);
    if (!back || encode_action_response(*back) != once) std::abort();
  }
  (void)security::verify_hls_gmac(in, title, keys, dlms::ByteSpan(data, size > 8 ? 8 : size));
  return 0;
}
