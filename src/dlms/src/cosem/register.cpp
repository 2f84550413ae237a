#include "dlms/cosem/register.h"

#include <cstdlib>

namespace dlms::cosem {

bridge::Result<ScalerUnit, DataError> decode_scaler_unit(const Value& v) {
  const auto* s = v.get_if<Structure>();
  if (!s || s->items.size() != 2) return bridge::fail(DataError::wrong_type);
  const auto scaler = to_integer(s->items[0]);
  const auto unit = to_integer(s->items[1]);
  if (!scaler || !unit || *scaler < -128 || *scaler > 127 || *unit < 0 || *unit > 255) {
    return bridge::fail(DataError::wrong_type);
  }
  return ScalerUnit{static_cast<std::int8_t>(*scaler), static_cast<std::uint8_t>(*unit)};
}

Value encode_scaler_unit(const ScalerUnit& su) { return Structure{{su.scaler, Enum{su.unit}}}; }

double scale(double raw, std::int8_t scaler) {
  double p = 1.0;
  for (int i = 0; i < std::abs(static_cast<int>(scaler)); ++i) p *= 10.0;
  return scaler < 0 ? raw / p : raw * p;
}

bridge::Result<double, DataError> scaled_value(const Value& raw, std::int8_t scaler) {
  if (raw.get_if<bool>()) return bridge::fail(DataError::wrong_type);
  const auto n = to_number(raw);
  if (!n) return bridge::fail(DataError::wrong_type);
  return scale(*n, scaler);
}

}  // namespace dlms::cosem
