#include "check_config.h"

#include <ostream>

#include "bridge/config/config.h"
#include "bridge/config/summary.h"

namespace bridge::app {

int check_config(const std::string& path, std::ostream& out, std::ostream& err) {
  auto loaded = config::load_file(path);
  if (!loaded) {
    for (const auto& e : loaded.error()) err << e.to_string() << '\n';
    err << path << ": " << loaded.error().size() << (loaded.error().size() == 1 ? " problem" : " problems") << '\n';
    return 1;
  }
  out << config::summary_line(*loaded) << '\n';
  return 0;
}

}  // namespace bridge::app
