#pragma once
// Sharding one fleet config across N bridge instances ("i/N": this instance is shard i, 0-based).
//
// A meter belongs to shard jump_hash(fnv1a64(meter id), N) (Lamping & Veach, "A Fast, Minimal
// Memory, Consistent Hash Algorithm"): every instance computes the same owner from the id alone,
// without talking to the others, and going from N to N+1 shards moves only the ~1/(N+1) of the
// meters that the new shard takes; no meter moves between the old shards. Plain hash % N would
// move ~N/(N+1) of them. The hash is part of the deployment contract: changing it reshuffles
// every fleet on upgrade, so it is fixed (and pinned by a unit test).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bridge/result.h"

namespace bridge::config {

struct Config;

struct Shard {
  std::uint32_t index = 0;  // 0 .. count-1
  std::uint32_t count = 1;
  std::string to_string() const;  // "i/N"
  friend bool operator==(const Shard&, const Shard&) = default;
};

// The largest shard count accepted: far above any sensible deployment, small enough that a typo
// such as "1/30000" is caught.
inline constexpr std::uint32_t kMaxShards = 1024;

// Parses a shard as written in [bridge] shard, --shard or DLMS_BRIDGE_SHARD:
//   "i/N"            shard i of N (0 <= i < N);
//   "name-i/N"       a StatefulSet pod name with the count appended ("dlms-bridge-2/3");
//   "i" or "name-i"  only when `count` is given (DLMS_BRIDGE_SHARDS), e.g. the bare pod name.
// Errors say what is wrong with the text.
Result<Shard, std::string> parse_shard(std::string_view text, std::optional<std::uint32_t> count = std::nullopt);

// The shard from the environment: DLMS_BRIDGE_SHARD (any form above), with the count from its
// "/N" suffix or from DLMS_BRIDGE_SHARDS. nullopt when DLMS_BRIDGE_SHARD is unset or empty.
Result<std::optional<Shard>, std::string> shard_from_environment();

// Stable 64-bit hash of a meter id (FNV-1a) and the jump consistent hash over it.
std::uint64_t meter_key(std::string_view meter_id);
std::uint32_t jump_consistent_hash(std::uint64_t key, std::uint32_t buckets);
inline std::uint32_t shard_of(std::string_view meter_id, std::uint32_t count) {
  return jump_consistent_hash(meter_key(meter_id), count);
}

// Makes `config` the config of shard `shard`: keeps only the meters it owns (fleet_meter_count
// keeps the fleet's total) and makes the names that must differ between instances sharing one
// file unique: [bridge] instance, the MQTT client id and the store file's name get "-<i>"
// (state/dlms-bridge.db -> state/dlms-bridge-2.db), and with [bridge] shard_port_offset the HTTP port is port + i.
void place_on_shard(Config& config, const Shard& shard);

}  // namespace bridge::config
