#pragma once
// Which metric families /metrics serves: an allowlist or a denylist of family-name patterns, in
// the way of kube-state-metrics' --metric-allowlist / --metric-denylist. Patterns are ECMAScript
// regular expressions matched against the whole family name (as written in "# HELP name").
// Applied while rendering (TextWriter, Exposition), so a dropped family costs nothing to format.
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/result.h"

namespace bridge::prometheus {

class FamilyFilter {
 public:
  FamilyFilter() = default;  // serves every family
  // At most one of the lists may be non-empty; a bad pattern or both lists is an error that
  // names the pattern.
  static Result<FamilyFilter, std::string> make(const std::vector<std::string>& allow,
                                                const std::vector<std::string>& deny);

  bool filters() const { return !patterns_.empty(); }
  bool serves(std::string_view family) const;

 private:
  std::vector<std::regex> patterns_;
  bool allow_ = false;
};

}  // namespace bridge::prometheus
