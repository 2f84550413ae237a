// Shard parsing and meter ownership (bridge/config/shard.h).
#include "bridge/config/shard.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "bridge/config/config.h"

namespace bridge::config {
namespace {

std::optional<std::uint32_t> parse_number(std::string_view text) {
  std::uint32_t value = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

}  // namespace

std::string Shard::to_string() const {
  return std::to_string(index) + "/" + std::to_string(count);
}

Result<Shard, std::string> parse_shard(std::string_view text, std::optional<std::uint32_t> count) {
  const std::string forms = " (expected \"i/N\", e.g. \"0/3\", or a pod name such as \"dlms-bridge-2/3\")";
  std::string_view index_part = text;
  if (auto slash = text.rfind('/'); slash != std::string_view::npos) {
    index_part = text.substr(0, slash);
    auto n = parse_number(text.substr(slash + 1));
    if (!n) return fail("shard " + quoted(text) + ": the count after '/' is not a number" + forms);
    count = *n;
  }
  // A pod name ends in "-<ordinal>": the index is what follows the last '-'.
  if (auto dash = index_part.rfind('-'); dash != std::string_view::npos && dash > 0) {
    index_part = index_part.substr(dash + 1);
  }
  auto index = parse_number(index_part);
  if (!index)
    return fail("shard " + quoted(text) + ": no shard index (a number, or a name ending in -<number>)" + forms);
  if (!count) return fail("shard " + quoted(text) + ": no shard count (add \"/N\" or set DLMS_BRIDGE_SHARDS)");
  if (*count == 0 || *count > kMaxShards) {
    return fail("shard " + quoted(text) + ": the count must be 1.." + std::to_string(kMaxShards) + ", got " +
                std::to_string(*count));
  }
  if (*index >= *count) {
    return fail("shard " + quoted(text) + ": index " + std::to_string(*index) + " is not below the count " +
                std::to_string(*count) + " (shards are numbered 0.." + std::to_string(*count - 1) + ")");
  }
  return Shard{*index, *count};
}

Result<std::optional<Shard>, std::string> shard_from_environment() {
  const char* shard = std::getenv("DLMS_BRIDGE_SHARD");
  if (shard == nullptr || *shard == '\0') return std::optional<Shard>{};
  std::optional<std::uint32_t> count;
  if (const char* shards = std::getenv("DLMS_BRIDGE_SHARDS"); shards != nullptr && *shards != '\0') {
    count = parse_number(shards);
    if (!count) return fail("DLMS_BRIDGE_SHARDS=" + quoted(shards) + " is not a number");
  }
  auto parsed = parse_shard(shard, count);
  if (!parsed) return fail("DLMS_BRIDGE_SHARD: " + parsed.error());
  return std::optional<Shard>{*parsed};
}

std::uint64_t meter_key(std::string_view meter_id) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  for (unsigned char c : meter_id) {
    h ^= c;
    h *= 1099511628211ULL;  // FNV-1a 64 prime
  }
  return h;
}

std::uint32_t jump_consistent_hash(std::uint64_t key, std::uint32_t buckets) {
  std::int64_t b = -1;
  std::int64_t j = 0;
  while (j < static_cast<std::int64_t>(buckets)) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = static_cast<std::int64_t>(static_cast<double>(b + 1) *
                                  (static_cast<double>(1LL << 31) / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<std::uint32_t>(b);
}

void place_on_shard(Config& config, const Shard& shard) {
  config.fleet_meter_count = config.meters.size();
  config.active_shard = shard;
  std::erase_if(config.meters, [&](const MeterConfig& m) { return shard_of(m.id, shard.count) != shard.index; });
  config.meters.shrink_to_fit();  // the service keeps it: only this shard's meters
  // Even "0/1" takes the suffix: changing only the count never renames an instance, its client
  // id or its store (a reload from 0/1 to 0/2 keeps the outbox).
  const std::string suffix = "-" + std::to_string(shard.index);
  config.mqtt.client_id += suffix;
  config.bridge.instance += suffix;
  // Instances of one box share the state directory: each needs its own SQLite file.
  auto& store = config.store.path;
  store = store.parent_path() / (store.stem().string() + suffix + store.extension().string());
  if (config.bridge.shard_port_offset)
    config.http.listen.port = static_cast<std::uint16_t>(config.http.listen.port + shard.index);
}

}  // namespace bridge::config
