#include "bridge/prometheus/exposition.h"

#include <sstream>

#include <prometheus/text_serializer.h>

namespace bridge::prometheus {

void Exposition::add(std::shared_ptr<::prometheus::Collectable> collectable) {
  std::lock_guard lock(mutex_);
  collectables_.push_back(std::move(collectable));
}

void Exposition::add(std::shared_ptr<const Collector> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

void Exposition::set_filter(FamilyFilter filter) {
  std::lock_guard lock(mutex_);
  filter_ = filter.filters() ? std::make_shared<const FamilyFilter>(std::move(filter)) : nullptr;
}

std::string Exposition::render() const {
  decltype(collectables_) collectables;
  decltype(collectors_) collectors;
  std::shared_ptr<const FamilyFilter> filter;
  {
    std::lock_guard lock(mutex_);
    collectables = collectables_;
    collectors = collectors_;
    filter = filter_;
  }
  std::string body;
  const auto last = last_size_.load(std::memory_order_relaxed);
  body.reserve(last + last / 8);
  TextWriter out(body, filter.get());
  if (!collectables.empty()) {
    std::vector<::prometheus::MetricFamily> families;
    for (const auto& c : collectables) {
      auto f = c->Collect();
      for (auto& family : f) {
        if (!filter || filter->serves(family.name)) families.push_back(std::move(family));
      }
    }
    std::ostringstream text;
    ::prometheus::TextSerializer().Serialize(text, families);
    out.raw(text.str());
  }
  for (const auto& c : collectors) c->collect(out);
  last_size_.store(body.size(), std::memory_order_relaxed);
  return body;
}

}  // namespace bridge::prometheus
