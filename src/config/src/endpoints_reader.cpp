// [[meter]] endpoints: the alternative host:port pairs of one meter (failover).
#include <toml++/toml.h>

#include "readers.h"

namespace bridge::config::detail {

void read_endpoints(TableReader& r, MeterConfig& m) {
  const toml::array* list = r.array("endpoints");
  if (list == nullptr) return;
  const Endpoint primary{m.host, m.port};
  Diagnostics& diag = r.diag();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::node& node = *list->get(i);
    const std::string what = "endpoints #" + std::to_string(i + 1) + " of " + r.label();
    const auto* text = node.as_string();
    if (text == nullptr) {
      diag.add(node.source(), what + ": expected \"host:port\", got " + std::string(type_name(node)));
      continue;
    }
    auto ep = parse_endpoint(text->get());
    if (!ep) {
      diag.add(node.source(), what + ": " + ep.error());
      continue;
    }
    if (ep->port == 0) {
      diag.add(node.source(), what + ": port 0 is not a meter port (1..65535)");
      continue;
    }
    if (*ep == primary) {
      diag.add(node.source(), what + ": \"" + ep->to_string() + "\" is the meter's own host and port");
      continue;
    }
    bool repeated = false;
    for (const auto& seen : m.endpoints) repeated = repeated || seen == *ep;
    if (repeated) {
      diag.add(node.source(), what + ": \"" + ep->to_string() + "\" is listed twice");
      continue;
    }
    m.endpoints.push_back(std::move(*ep));
  }
}

}  // namespace bridge::config::detail
