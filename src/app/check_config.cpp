#include "check_config.h"

#include <ostream>

#include "bridge/config/config.h"
#include "bridge/config/summary.h"
#include "bridge/open_files.h"
#include "fd_budget.h"
#include "shard_choice.h"

namespace bridge::app {

int check_config(const std::string& path, const std::string& shard, std::ostream& out, std::ostream& err) {
  auto outside = shard_outside_file(shard);
  if (!outside) {
    err << outside.error() << '\n';
    return 1;
  }
  auto loaded = load_for_shard(path, *outside);
  if (!loaded) {
    // Only problem lines, so editors and CI annotators can parse stderr line by line.
    for (const auto& e : loaded.error()) err << e.to_string() << '\n';
    return 1;
  }
  out << config::summary_line(*loaded) << '\n';
  // Not a config error (the service's limit is set where it runs, e.g. LimitNOFILE= in the unit),
  // but `run` from this shell would refuse to start: say so now.
  if (auto problem = fd_budget_problem(fd_budget(*loaded), raise_open_files_limit())) {
    err << path << ": warning: with this shell's open files limit, " << *problem << '\n';
  }
  return 0;
}

}  // namespace bridge::app
