#pragma once
// Register (class 3) helpers: scaler_unit (attribute 3) = structure{integer scaler, enum unit}
// and value scaling value = raw x 10^scaler (docs/protocol.md 1.10).
#include <cstdint>

#include "bridge/result.h"
#include "dlms/cosem/value.h"

namespace dlms::cosem {

struct ScalerUnit {
  std::int8_t scaler = 0;
  std::uint8_t unit = 255;
  friend bool operator==(const ScalerUnit&, const ScalerUnit&) = default;
};

// Accepts structure{integer, enum}; also tolerates unsigned/long for the unit and any integer
// type for the scaler if it fits int8 (some meters use them). wrong_type otherwise.
bridge::Result<ScalerUnit, DataError> decode_scaler_unit(const Value& v);
Value encode_scaler_unit(const ScalerUnit& su);

// raw x 10^scaler, computed by multiplying/dividing by an exact power of ten so that e.g.
// 13500 with scaler -2 is exactly 135.0.
double scale(double raw, std::int8_t scaler);
// Numeric register value (any integer/float/enum type) scaled; wrong_type for non-numeric values.
bridge::Result<double, DataError> scaled_value(const Value& raw, std::int8_t scaler);

}  // namespace dlms::cosem
