#pragma once
// The COSEM objects of a simulated meter and how their attributes are read. One table per
// profile (shared by every meter of the fleet); values come from the meter at read time.
//
//   0-0:40.0.0.255  class 15 v1  Association LN (object_list names every object below)
//   0-0:1.0.0.255   class 8  v0  Clock (attribute 2 = octet-string(12) date-time, UTC with the
//                                meter's offset and drift; SET by an authenticated client)
//   serial number   class 1  v0  microstar 1-0:0.0.0.255, generic 0-0:96.1.0.255 (visible-string)
//   0-0:42.0.0.255  class 1  v0  COSEM logical device name, generic only (octet-string "SIM" +
//                                serial; the Microstar's OBIS list has none)
//   B = profile channel (1 microstar, 0 generic), class 3 v0 Register (2 value, 3 scaler_unit):
//   1-B:32.7.0 / 52.7.0 / 72.7.0 voltage L1..L3   double-long-unsigned, -2, V (35)
//   1-B:31.7.0 / 51.7.0 / 71.7.0 current L1..L3   double-long-unsigned, -3, A (33)
//   1-B:14.7.0 frequency                          long-unsigned, -2, Hz (44)
//   1-B:1.7.0  active power import                double-long, -1, W (27)
//   1-B:13.7.0 power factor                       long, -3, count (255)
//   1-B:1.8.0  active energy import               double-long-unsigned, 0, Wh (30)
//   1-0:99.1.0 class 7 v1 Profile Generic: the load profile (sim/load_profile.h)
#include <cstdint>
#include <optional>
#include <vector>

#include "bridge/result.h"
#include "dlms/cosem/get.h"
#include "dlms/cosem/obis.h"
#include "dlms/cosem/value.h"
#include "sim/measurements.h"
#include "sim/meter.h"
#include "sim/server_session.h"

namespace sim {

// Data-Access-Result values (Blue Book) the simulator answers with.
enum class AccessResult : std::uint8_t {
  success = 0,
  read_write_denied = 3,
  object_undefined = 4,
  object_class_inconsistent = 9,
  object_unavailable = 11,
  type_unmatched = 12,
  scope_of_access_violated = 13,
  other_reason = 250,
};

enum class ObjectKind { association, clock, serial_number, logical_device_name, reg, load_profile };

struct CosemObject {
  std::uint16_t class_id = 0;
  std::uint8_t version = 0;
  dlms::cosem::Obis name;
  std::uint8_t attributes = 0;  // attributes 1..attributes are readable
  ObjectKind kind = ObjectKind::reg;
  Quantity quantity = Quantity::voltage_l1;  // registers only
};

// What a read needs besides the object.
struct ReadContext {
  Meter& meter;
  double elapsed_s = 0;          // since the simulator started (values)
  WallTime wall;                 // clock object
  std::uint16_t client_sap = 0;  // association attribute 3
};

class ObjectTable {
 public:
  explicit ObjectTable(const Profile& profile);
  static const ObjectTable& of(ProfileKind kind);  // one shared table per profile

  const std::vector<CosemObject>& objects() const { return objects_; }
  const CosemObject* find(const dlms::cosem::Obis& name) const;

  // GET of one attribute: the value, or the data-access-result a real meter answers. Only the
  // load profile's buffer accepts selective access.
  bridge::Result<dlms::cosem::Value, AccessResult> read(std::uint16_t class_id, const dlms::cosem::Obis& name,
                                                        std::int8_t attribute, const ReadContext& ctx,
                                                        const dlms::cosem::SelectiveAccess* access = nullptr) const;
  // SET of one attribute: only the clock's time (attribute 2, a complete date-time), and only by
  // a client that authenticated (a non-empty password); the public client gets read_write_denied.
  AccessResult write(std::uint16_t class_id, const dlms::cosem::Obis& name, std::int8_t attribute,
                     const dlms::cosem::Value& value, const ReadContext& ctx) const;

 private:
  dlms::cosem::Value object_list() const;
  std::vector<CosemObject> objects_;
  dlms::cosem::Value object_list_;  // built once: it does not change at run time
};

}  // namespace sim
