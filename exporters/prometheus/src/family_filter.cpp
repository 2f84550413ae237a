#include "bridge/prometheus/family_filter.h"

namespace bridge::prometheus {

Result<FamilyFilter, std::string> FamilyFilter::make(const std::vector<std::string>& allow,
                                                     const std::vector<std::string>& deny) {
  if (!allow.empty() && !deny.empty()) {
    return fail(std::string("set metric_allowlist or metric_denylist, not both"));
  }
  FamilyFilter filter;
  filter.allow_ = !allow.empty();
  for (const auto& pattern : filter.allow_ ? allow : deny) {
    try {
      filter.patterns_.emplace_back(pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return fail("metric pattern \"" + pattern + "\" is not a regular expression: " + e.what());
    }
  }
  return filter;
}

bool FamilyFilter::serves(std::string_view family) const {
  if (patterns_.empty()) return true;
  bool matched = false;
  for (const auto& p : patterns_) {
    if (std::regex_match(family.begin(), family.end(), p)) {
      matched = true;
      break;
    }
  }
  return matched == allow_;
}

}  // namespace bridge::prometheus
