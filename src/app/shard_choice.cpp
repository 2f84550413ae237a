#include "shard_choice.h"

namespace bridge::app {

Result<std::optional<config::Shard>, std::string> shard_outside_file(const std::string& flag) {
  if (!flag.empty()) {
    auto parsed = config::parse_shard(flag);
    if (!parsed) return fail("--shard: " + parsed.error());
    return std::optional<config::Shard>{*parsed};
  }
  return config::shard_from_environment();
}

config::LoadResult load_for_shard(const std::filesystem::path& path, const std::optional<config::Shard>& outside) {
  auto loaded = config::load_file(path);
  if (!loaded) return loaded;
  if (auto shard = outside ? outside : loaded->bridge.shard) config::place_on_shard(*loaded, *shard);
  return loaded;
}

}  // namespace bridge::app
