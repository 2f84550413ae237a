#include "profile_reader.h"

#include <map>
#include <string>

namespace bridge::config::detail {
namespace {

std::optional<ProfileConfig> read_profile(const toml::node& node, const std::string& label, Diagnostics& diag,
                                          const std::filesystem::path& base_dir) {
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    diag.add(node.source(), label + ": expected a table {obis, backfill, interval}, got " +
                                std::string(type_name(node)));
    return std::nullopt;
  }
  TableReader r(*t, label, diag, base_dir);
  ProfileConfig p;
  bool ok = true;
  std::string obis_text;
  if (!r.has("obis")) {
    diag.add(t->source(), label + ": missing \"obis\" (the Profile Generic object, e.g. \"1-0:99.1.0\")");
    ok = false;
  } else if (r.string("obis", obis_text)) {
    auto code = parse_obis(obis_text);
    if (code) {
      p.obis = *code;
    } else {
      r.problem("obis", code.error());
      ok = false;
    }
  } else {
    ok = false;
  }
  if (r.has("backfill") && !r.duration("backfill", p.backfill, DurationRule::positive)) ok = false;
  if (r.has("interval") && !r.duration("interval", p.interval, DurationRule::positive)) ok = false;
  if (ok && p.backfill < p.interval) {
    // Each read reaches back at most `backfill`: rows between two reads would never be read.
    r.problem(r.has("backfill") ? "backfill" : "interval",
              "backfill (" + format_duration(p.backfill) + ") is shorter than interval (" +
                  format_duration(p.interval) + "): rows captured between two reads would be skipped");
    ok = false;
  }
  r.finish();
  if (!ok) return std::nullopt;
  return p;
}

}  // namespace

void read_meter_profiles(TableReader& r, MeterConfig& m) {
  const toml::array* list = r.array("profile");
  if (list == nullptr) return;
  std::map<ObisCode, int> seen;
  const std::string label = "[[meter.profile]] of " + r.label();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::node& node = *list->get(i);
    auto profile = read_profile(node, label + " #" + std::to_string(i + 1), r.diag(), r.base_dir());
    if (!profile) continue;
    const auto [it, inserted] = seen.emplace(profile->obis, static_cast<int>(node.source().begin.line));
    if (!inserted) {
      r.diag().add(node.as_table()->get("obis")->source(),
                   "duplicate profile \"" + profile->obis.to_string() + "\" in " + r.label() + " (first at line " +
                       std::to_string(it->second) + ")");
      continue;
    }
    m.profiles.push_back(std::move(*profile));
  }
}

}  // namespace bridge::config::detail
