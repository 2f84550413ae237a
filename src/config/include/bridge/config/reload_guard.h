#pragma once
// The reload safety rule: a reload (SIGHUP, POST /-/reload) that would stop more than half of
// the running meters is refused unless the new config sets [bridge] allow_mass_removal = true
// or the operator confirms through the API (POST /-/reload?confirm=remove-meters). A config
// management run that wrote a half-empty file, or an editor that saved too early, must not
// silently take most of the fleet off line.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/config/config.h"

namespace bridge::config {

// The confirm value POST /-/reload accepts for a mass removal.
inline constexpr std::string_view kConfirmRemoveMeters = "remove-meters";

struct RemovalCheck {
  std::size_t running = 0;            // enabled meters in the running config
  std::vector<std::string> stopping;  // running meters the new config removes or disables
  bool refused = false;               // more than half would stop, without override or confirmation
  // For the refusal: "the reload would stop 3 of 4 running meters (m1, m2, m3) ...".
  std::string message() const;
};

// `confirmed`: the operator asked for it (?confirm=remove-meters).
RemovalCheck check_removal(const Config& running, const Config& next, bool confirmed);

}  // namespace bridge::config
