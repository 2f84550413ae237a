#include "bridge/config/reload_guard.h"

#include <algorithm>
#include <set>

namespace bridge::config {

RemovalCheck check_removal(const Config& running, const Config& next, bool confirmed) {
  std::set<std::string_view> kept;
  for (const auto& m : next.meters) {
    if (m.enabled) kept.insert(m.id);
  }
  RemovalCheck c;
  for (const auto& m : running.meters) {
    if (!m.enabled) continue;
    ++c.running;
    if (!kept.contains(m.id)) c.stopping.push_back(m.id);
  }
  const bool mass = c.stopping.size() * 2 > c.running;
  c.refused = mass && !confirmed && !next.bridge.allow_mass_removal;
  return c;
}

std::string RemovalCheck::message() const {
  std::string ids;
  const std::size_t shown = std::min<std::size_t>(stopping.size(), 10);
  for (std::size_t i = 0; i < shown; ++i) ids += (i ? ", " : "") + stopping[i];
  if (stopping.size() > shown) ids += ", ... (" + std::to_string(stopping.size() - shown) + " more)";
  return "reload refused: the new config would stop " + std::to_string(stopping.size()) + " of " +
         std::to_string(running) + " running meters (" + ids +
         "); if that is intended, confirm with POST /-/reload?confirm=" + std::string(kConfirmRemoveMeters) +
         " or set [bridge] allow_mass_removal = true";
}

}  // namespace bridge::config
