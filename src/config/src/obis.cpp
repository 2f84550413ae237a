// Config OBIS codes are parsed and printed by the protocol core (dlms::cosem), so the config
// accepts exactly the text forms the codec understands; this file only words the error.
#include "bridge/config/obis.h"

#include "dlms/cosem/obis.h"

namespace bridge::config {
namespace {

std::string_view why(dlms::cosem::ObisError e) {
  switch (e) {
    case dlms::cosem::ObisError::out_of_range: return "a group is out of range 0..255";
    case dlms::cosem::ObisError::wrong_size: return "wrong number of groups";
    case dlms::cosem::ObisError::syntax: return "malformed";
  }
  return "malformed";
}

}  // namespace

std::string ObisCode::to_string() const {
  return dlms::cosem::to_string(dlms::cosem::Obis{bytes});
}

Result<ObisCode, std::string> parse_obis(std::string_view text) {
  auto parsed = dlms::cosem::parse_obis(text);
  if (!parsed) {
    return fail("bad OBIS code \"" + std::string(text) + "\" (" + std::string(why(parsed.error())) +
                "; expected A-B:C.D.E[*F])");
  }
  return ObisCode{parsed->bytes};
}

}  // namespace bridge::config
