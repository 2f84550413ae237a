#pragma once
// Which shard of the fleet config this process runs, and loading the config cut to it.
// Precedence: --shard, then DLMS_BRIDGE_SHARD (with DLMS_BRIDGE_SHARDS), then [bridge] shard;
// none of them = the whole fleet.
#include <filesystem>
#include <optional>
#include <string>

#include "bridge/config/config.h"

namespace bridge::app {

// The shard given outside the file (flag or environment), or nullopt. `flag` is the --shard
// text ("" when not given). Errors name where the bad value came from.
Result<std::optional<config::Shard>, std::string> shard_outside_file(const std::string& flag);

// load_file, then place_on_shard with `outside` or else the file's [bridge] shard.
config::LoadResult load_for_shard(const std::filesystem::path& path, const std::optional<config::Shard>& outside);

}  // namespace bridge::app
