#include "check_config.h"

#include <ostream>

#include "bridge/config/config.h"
#include "bridge/config/summary.h"

namespace bridge::app {

int check_config(const std::string& path, std::ostream& out, std::ostream& err) {
  auto loaded = config::load_file(path);
  if (!loaded) {
    // Only problem lines, so editors and CI annotators can parse stderr line by line.
    for (const auto& e : loaded.error()) err << e.to_string() << '\n';
    return 1;
  }
  out << config::summary_line(*loaded) << '\n';
  return 0;
}

}  // namespace bridge::app
