#include "sim/objects.h"

#include <algorithm>
#include <ctime>

#include "dlms/cosem/date_time.h"
#include "dlms/cosem/register.h"
#include "sim/load_profile.h"

namespace sim {

namespace cosem = dlms::cosem;
using cosem::Value;

namespace {

constexpr std::uint8_t kAccessRead = 1;  // attribute access mode read-only
constexpr std::uint8_t kAccessNone = 0;

cosem::Obis obis(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t e) {
  return cosem::Obis{{a, b, c, d, e, 255}};
}

Value logical_name(const cosem::Obis& o) {
  return cosem::OctetString{dlms::Bytes(o.bytes.begin(), o.bytes.end())};
}

// Registers whose raw value may be forced to contain 0x7E (value_7e fault).
bool integer_register(Quantity q) {
  return q != Quantity::power_factor && q != Quantity::frequency;
}

Value register_value(Quantity q, std::int64_t raw) {
  switch (q) {
    case Quantity::frequency: return static_cast<std::uint16_t>(std::clamp<std::int64_t>(raw, 0, 0xFFFF));
    case Quantity::active_power: return static_cast<std::int32_t>(raw);
    case Quantity::power_factor: return static_cast<std::int16_t>(raw);
    default: return static_cast<std::uint32_t>(std::clamp<std::int64_t>(raw, 0, 0xFFFFFFFF));
  }
}

cosem::DateTime date_time_of(WallTime meter_time) {
  // The simulator keeps UTC: deviation 0, status ok.
  return cosem::from_utc(std::chrono::time_point_cast<std::chrono::milliseconds>(meter_time), 0, 0);
}

Value unspecified_date_time() {
  return cosem::OctetString{cosem::encode_date_time(cosem::DateTime{})};
}

}  // namespace

ObjectTable::ObjectTable(const Profile& profile) {
  const std::uint8_t b = profile.obis_channel;
  objects_.push_back({15, 1, obis(0, 0, 40, 0, 0), 9, ObjectKind::association, {}});
  objects_.push_back({8, 0, obis(0, 0, 1, 0, 0), 9, ObjectKind::clock, {}});
  objects_.push_back({1,
                      0,
                      profile.kind == ProfileKind::microstar ? obis(1, 0, 0, 0, 0) : obis(0, 0, 96, 1, 0),
                      2,
                      ObjectKind::serial_number,
                      {}});
  if (profile.kind == ProfileKind::generic) {
    objects_.push_back({1, 0, obis(0, 0, 42, 0, 0), 2, ObjectKind::logical_device_name, {}});
  }
  const std::pair<std::uint8_t, Quantity> registers[] = {
      {32, Quantity::voltage_l1}, {52, Quantity::voltage_l2},  {72, Quantity::voltage_l3},
      {31, Quantity::current_l1}, {51, Quantity::current_l2},  {71, Quantity::current_l3},
      {14, Quantity::frequency},  {1, Quantity::active_power}, {13, Quantity::power_factor}};
  for (const auto& [c, q] : registers) objects_.push_back({3, 0, obis(1, b, c, 7, 0), 3, ObjectKind::reg, q});
  objects_.push_back({3, 0, obis(1, b, 1, 8, 0), 3, ObjectKind::reg, Quantity::active_energy});
  objects_.push_back({7, 1, obis(1, 0, 99, 1, 0), 8, ObjectKind::load_profile, {}});
  object_list_ = object_list();
}

const ObjectTable& ObjectTable::of(ProfileKind kind) {
  static const ObjectTable microstar(make_profile(ProfileKind::microstar));
  static const ObjectTable generic(make_profile(ProfileKind::generic));
  return kind == ProfileKind::microstar ? microstar : generic;
}

const CosemObject* ObjectTable::find(const cosem::Obis& name) const {
  for (const auto& o : objects_) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

Value ObjectTable::object_list() const {
  cosem::Array list;
  for (const auto& o : objects_) {
    cosem::Array attribute_access;
    for (std::uint8_t a = 1; a <= o.attributes; ++a) {
      // The association's attributes 4..7 are not readable here (see read()).
      bool readable = !(o.kind == ObjectKind::association && a >= 4 && a <= 7);
      attribute_access.items.push_back(cosem::Structure{
          {static_cast<std::int8_t>(a), cosem::Enum{readable ? kAccessRead : kAccessNone}, cosem::Null{}}});
    }
    cosem::Structure access_rights{{std::move(attribute_access), cosem::Array{}}};
    list.items.push_back(cosem::Structure{{o.class_id, o.version, logical_name(o.name), std::move(access_rights)}});
  }
  return list;
}

bridge::Result<Value, AccessResult> ObjectTable::read(std::uint16_t class_id, const cosem::Obis& name,
                                                      std::int8_t attribute, const ReadContext& ctx,
                                                      const cosem::SelectiveAccess* access) const {
  const CosemObject* o = find(name);
  if (!o) return bridge::fail(AccessResult::object_undefined);
  if (o->class_id != class_id) return bridge::fail(AccessResult::object_class_inconsistent);
  if (attribute < 1 || attribute > o->attributes) return bridge::fail(AccessResult::object_unavailable);
  if (o->kind == ObjectKind::load_profile) return read_load_profile(attribute, access, ctx);
  if (access) return bridge::fail(AccessResult::scope_of_access_violated);
  if (attribute == 1) return logical_name(o->name);
  switch (o->kind) {
    case ObjectKind::association:
      switch (attribute) {
        case 2: return object_list_;
        case 3:
          return Value{cosem::Structure{{static_cast<std::int8_t>(ctx.client_sap), static_cast<std::uint16_t>(1)}}};
        case 8: return Value{cosem::Enum{2}};        // associated
        case 9: return Value{cosem::OctetString{}};  // security_setup_reference: none
        default: return bridge::fail(AccessResult::read_write_denied);
      }
    case ObjectKind::clock:
      switch (attribute) {
        case 2:
          return Value{cosem::OctetString{cosem::encode_date_time(date_time_of(ctx.meter.clock_time(ctx.wall, ctx.elapsed_s)))}};
        case 3: return Value{static_cast<std::int16_t>(0)};  // time_zone (minutes)
        case 4: return Value{static_cast<std::uint8_t>(0)};  // status: ok
        case 5:
        case 6: return unspecified_date_time();             // no daylight saving
        case 7: return Value{static_cast<std::int8_t>(0)};  // daylight_savings_deviation
        case 8: return Value{false};                        // daylight_savings_enabled
        default: return Value{cosem::Enum{1}};              // clock_base: internal crystal
      }
    case ObjectKind::serial_number: return Value{cosem::VisibleString{ctx.meter.serial_number()}};
    case ObjectKind::load_profile: break;  // answered above
    case ObjectKind::logical_device_name: {
      const std::string name = "SIM" + ctx.meter.serial_number();
      return Value{cosem::OctetString{dlms::Bytes(name.begin(), name.end())}};
    }
    case ObjectKind::reg: {
      Sample s = ctx.meter.measurements().sample(o->quantity, ctx.elapsed_s);
      if (attribute == 3) return cosem::encode_scaler_unit({s.scaler, s.unit});
      std::int64_t raw = s.raw;
      if (ctx.meter.faults().value_7e && integer_register(o->quantity)) {
        raw = (raw & ~std::int64_t{0xFF}) | 0x7E;
        ctx.meter.counts().add(FaultKind::value_7e);
      }
      return register_value(o->quantity, raw);
    }
  }
  return bridge::fail(AccessResult::object_unavailable);
}

AccessResult ObjectTable::write(std::uint16_t class_id, const cosem::Obis& name, std::int8_t attribute,
                                const Value& value, const ReadContext& ctx) const {
  const CosemObject* o = find(name);
  if (!o) return AccessResult::object_undefined;
  if (o->class_id != class_id) return AccessResult::object_class_inconsistent;
  if (attribute < 1 || attribute > o->attributes) return AccessResult::object_unavailable;
  if (o->kind != ObjectKind::clock || attribute != 2) return AccessResult::read_write_denied;
  const auto& passwords = ctx.meter.profile().passwords;
  const auto client = passwords.find(static_cast<std::uint8_t>(ctx.client_sap));
  if (client == passwords.end() || client->second.empty()) return AccessResult::read_write_denied;
  const auto* bytes = value.get_if<cosem::OctetString>();
  if (!bytes || bytes->bytes.size() != 12) return AccessResult::type_unmatched;
  auto dt = cosem::decode_date_time(bytes->bytes);
  if (!dt) return AccessResult::type_unmatched;
  if (dt->deviation == cosem::kDeviationNotSpecified) dt->deviation = 0;  // the meter keeps UTC
  auto utc = cosem::to_utc(*dt);
  if (!utc) return AccessResult::other_reason;  // a wildcard or out-of-range field: no time to set
  ctx.meter.set_clock(WallTime{std::chrono::duration_cast<WallTime::duration>(utc->time_since_epoch())}, ctx.wall,
                      ctx.elapsed_s);
  ++ctx.meter.stats().clock_sets;
  return AccessResult::success;
}

}  // namespace sim
